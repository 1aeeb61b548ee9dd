/**
 * New secrets live only here, in memory, until their owner reveals them once or they expire. Nothing is
 * persisted: after a restart an unrevealed secret is gone, which is the safe failure.
 */
import { randomBytes } from 'node:crypto';
import type { Secret } from '../domain/secret.ts';
import type { Clock, SecretVault } from './ports.ts';

export type RevealResult =
  | { ok: true; secret: Secret }
  | { ok: false; reason: 'unknown' | 'not_owner' | 'already_revealed' | 'expired' };

interface Slot {
  owner: string;
  secret: Secret | undefined;
  expiresAt: number;
}

export class MemorySecretVault implements SecretVault {
  readonly #slots = new Map<string, Slot>();

  constructor(private readonly clock: Clock) {}

  put(owner: string, secret: Secret, ttlMs: number): string {
    const handle = randomBytes(16).toString('hex');
    this.#slots.set(handle, { owner, secret, expiresAt: this.clock.now() + ttlMs });
    return handle;
  }

  /** Gives the secret to its owner once; afterwards only the fact that it was revealed remains. */
  reveal(handle: string, person: string): RevealResult {
    const slot = this.#slots.get(handle);
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
}
