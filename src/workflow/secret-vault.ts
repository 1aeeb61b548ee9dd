/**
 * New secrets live only here, in memory, until their owner has seen them once or they expire. Nothing is
 * persisted: after a restart an unrevealed secret is gone, and the rotation rolls back — the safe failure.
 * The embedded store's default; with a sealing key the bot uses SealedSecretVault instead.
 */
import type { Secret } from '../domain/secret.ts';
import type { Clock, RevealResult, SecretVault } from './ports.ts';

interface Slot {
  owner: string;
  secret: Secret | undefined;
  expiresAt: number;
  /** Lent out by `open`, waiting for `spend` or `restore`. */
  showing: boolean;
  /** Spent: it was shown. */
  revealed?: true;
}

export class MemorySecretVault implements SecretVault {
  readonly #slots = new Map<string, Slot>();

  constructor(private readonly clock: Clock) {}

  async put(requestId: string, owner: string, secret: Secret, ttlMs: number): Promise<void> {
    this.#slots.set(requestId, { owner, secret, expiresAt: this.clock.now() + ttlMs, showing: false });
  }

  /** Lends the secret to its owner for showing; nobody else gets it meanwhile. */
  async open(requestId: string, person: string): Promise<RevealResult> {
    const slot = this.#slots.get(requestId);
    if (!slot) return { ok: false, reason: 'unknown' };
    if (slot.owner !== person) return { ok: false, reason: 'not_owner' };
    if (slot.revealed) return { ok: false, reason: 'already_revealed' };
    if (slot.showing) return { ok: false, reason: 'being_shown' };
    if (!slot.secret || this.clock.now() >= slot.expiresAt) {
      slot.secret = undefined;
      return { ok: false, reason: 'expired' };
    }
    slot.showing = true;
    return { ok: true, secret: slot.secret };
  }

  /** The secret was shown: afterwards only the fact that it was revealed remains. */
  async spend(requestId: string): Promise<void> {
    const slot = this.#slots.get(requestId);
    if (slot) this.#slots.set(requestId, { ...slot, secret: undefined, showing: false, revealed: true });
  }

  /** Showing failed (the modal never opened): the owner may try again until the secret expires. */
  async restore(requestId: string): Promise<void> {
    const slot = this.#slots.get(requestId);
    if (slot) slot.showing = false;
  }

  async showing(requestId: string): Promise<boolean> {
    return this.#slots.get(requestId)?.showing === true;
  }

  async holds(requestId: string): Promise<boolean> {
    return this.#slots.get(requestId)?.secret !== undefined;
  }

  async discard(requestId: string): Promise<void> {
    this.#slots.delete(requestId);
  }

  async expire(): Promise<void> {
    const now = this.clock.now();
    for (const slot of this.#slots.values()) if (!slot.showing && now >= slot.expiresAt) slot.secret = undefined;
  }
}
