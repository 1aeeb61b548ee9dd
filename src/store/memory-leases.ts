/**
 * Leases for a store one process holds alone (the embedded store, by its directory lock): in memory,
 * since a reopen means the previous holder is gone and its leases with it.
 */
import type { LeaseStore } from '../workflow/ports.ts';
import { mayClaim, mayRenew, type LeaseRecord } from './section-rules.ts';

export class MemoryLeases implements LeaseStore {
  readonly #leases = new Map<string, LeaseRecord>();

  async claim(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    if (!mayClaim(this.#leases.get(name), holder, now)) return false;
    this.#leases.set(name, { holder, expiresAt: now + ttlMs });
    return true;
  }

  async renew(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    if (!mayRenew(this.#leases.get(name), holder)) return false;
    this.#leases.set(name, { holder, expiresAt: now + ttlMs });
    return true;
  }

  async release(name: string, holder: string): Promise<void> {
    if (this.#leases.get(name)?.holder === holder) this.#leases.delete(name);
  }
}
