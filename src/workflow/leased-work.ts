/**
 * Work done under a lease that replicas share (a subject's notices, a request's provider step): claimed, renewed
 * on a timer while the work runs, however long it takes, and released after. A holder that dies stops renewing,
 * so its lease lapses and another replica takes the work over.
 */
import type { Clock, LeaseStore } from './ports.ts';

/**
 * Runs `work` holding lease `name` for `holder`; false, without running it, when another holder has it.
 * `work` is told whether the lease may still be `holder`'s: not after a renewal was refused (another replica
 * took it) or when none succeeded for a whole term (the store unreachable), so that it starts nothing more.
 */
export async function underLease(
  leases: LeaseStore,
  clock: Clock,
  lease: { name: string; holder: string; ttlMs: number },
  work: (held: () => boolean) => Promise<void>,
): Promise<boolean> {
  const { name, holder, ttlMs } = lease;
  const claimedAt = clock.now();
  if (!(await leases.claim(name, holder, claimedAt, ttlMs))) return false;
  let heldUntil = claimedAt + ttlMs;
  let lost = false;
  const renewal = setInterval(() => {
    const at = clock.now();
    void leases.renew(name, holder, at, ttlMs).then(
      (renewed) => {
        if (renewed) heldUntil = at + ttlMs;
        else lost = true;
      },
      () => undefined,
    );
  }, ttlMs / 3);
  renewal.unref();
  try {
    await work(() => !lost && clock.now() < heldUntil);
  } finally {
    clearInterval(renewal);
    await leases.release(name, holder).catch(() => undefined);
  }
  return true;
}
