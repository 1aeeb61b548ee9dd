/**
 * New secrets sealed in the store (AES-256-GCM, shared/sealing.ts), so a Reveal click reaching any
 * replica — or the bot after a restart — can show them, once. Only the sealed envelope is stored; it is
 * erased when shown or when its deadline passes.
 */
import { Secret } from '../domain/secret.ts';
import { seal, unseal } from '../shared/sealing.ts';
import type { SecretStore, Clock, RevealResult, SecretVault } from './ports.ts';

/**
 * How long a showing holds the secret: opening the Slack modal takes a few seconds at most; a replica
 * that dies meanwhile frees it for another click after this.
 */
const SHOWING_MS = 60_000;

export class SealedSecretVault implements SecretVault {
  constructor(
    private readonly secrets: SecretStore,
    private readonly key: Buffer,
    private readonly clock: Clock,
  ) {}

  async put(requestId: string, owner: string, secret: Secret, ttlMs: number): Promise<void> {
    await this.secrets.put({
      requestId,
      owner,
      sealed: seal(this.key, secret.reveal(), requestId),
      expiresAt: this.clock.now() + ttlMs,
    });
  }

  /** Lends the secret to its owner; throws a SealingError (code unseal_failed) when this key cannot open it. */
  async open(requestId: string, person: string): Promise<RevealResult> {
    const now = this.clock.now();
    const lent = await this.secrets.lend(requestId, person, now, now + SHOWING_MS);
    if (!lent.ok) return lent;
    try {
      return { ok: true, secret: new Secret(unseal(this.key, lent.secret.sealed, requestId)) };
    } catch (error) {
      await this.secrets.restore(requestId);
      throw error;
    }
  }

  spend(requestId: string): Promise<void> {
    return this.secrets.spend(requestId);
  }

  restore(requestId: string): Promise<void> {
    return this.secrets.restore(requestId);
  }

  showing(requestId: string): Promise<boolean> {
    return this.secrets.showing(requestId, this.clock.now());
  }

  holds(requestId: string): Promise<boolean> {
    return this.secrets.holds(requestId);
  }

  discard(requestId: string): Promise<void> {
    return this.secrets.drop(requestId);
  }

  async expire(): Promise<void> {
    await this.secrets.dropExpired(this.clock.now());
  }
}
