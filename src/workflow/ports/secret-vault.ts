/** The SecretVault port: where new secrets wait for their owner. */
import type { Secret } from '../../domain/secret.ts';

/**
 * Holds new secrets, by request id, until their owner has seen them once, or they expire: in memory
 * (MemorySecretVault), or sealed in the store for every replica (SealedSecretVault).
 * Showing is two steps so a secret is spent only once it was really shown: `open` lends it (a second
 * `open` meanwhile is refused), then `spend` wipes it, or `restore` makes it revealable again after the
 * showing failed.
 */
export interface SecretVault {
  put(requestId: string, owner: string, secret: Secret, ttlMs: number): Promise<void>;
  open(requestId: string, person: string): Promise<RevealResult>;
  spend(requestId: string): Promise<void>;
  restore(requestId: string): Promise<void>;
  /** Whether the secret is being shown right now (its deadline must not remove the key meanwhile). */
  showing(requestId: string): Promise<boolean>;
  /** Whether it is still held (revealable, deadline permitting): after a restart only a sealed vault still holds it. */
  holds(requestId: string): Promise<boolean>;
  discard(requestId: string): Promise<void>;
  /** Erases the secrets whose deadline passed (not one being shown): nothing is kept longer than needed. */
  expire(): Promise<void>;
}

export type RevealResult =
  | { ok: true; secret: Secret }
  | { ok: false; reason: 'unknown' | 'not_owner' | 'already_revealed' | 'being_shown' | 'expired' };
