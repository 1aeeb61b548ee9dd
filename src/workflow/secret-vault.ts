/**
 * New secrets live only here, in memory, until their owner takes them once or they expire. Nothing is
 * persisted: after a restart an unrevealed secret is gone, and the rotation rolls back — the safe failure.
 */
import type { Secret } from '../domain/secret.ts';
import type { Clock, RevealResult, SecretVault } from './ports.ts';

interface Slot {
  owner: string;
  secret: Secret | undefined;
  expiresAt: number;
}

export class MemorySecretVault implements SecretVault {
  readonly #slots = new Map<string, Slot>();

  constructor(private readonly clock: Clock) {}

  put(requestId: string, owner: string, secret: Secret, ttlMs: number): void {
    this.#slots.set(requestId, { owner, secret, expiresAt: this.clock.now() + ttlMs });
  }

  /** Gives the secret to its owner once; afterwards only the fact that it was revealed remains. */
  take(requestId: string, person: string): RevealResult {
    const slot = this.#slots.get(requestId);
    if (!slot) return { ok: false, reason: 'unknown' };
    if (slot.owner !== person) return { ok: false, reason: 'not_owner' };
    if (!slot.secret) return { ok: false, reason: 'already_revealed' };
    if (this.clock.now() >= slot.expiresAt) {
      slot.secret = undefined;
      return { ok: false, reason: 'expired' };
    }
    const { secret } = slot;
    slot.secret = undefined;
    return { ok: true, secret };
  }

  discard(requestId: string): void {
    this.#slots.delete(requestId);
  }
}
