/**
 * The decisions of the store's small sections (sealed secrets, submission counters, leases) as pure
 * functions over one stored record, so every implementation decides alike: the embedded store applies
 * them in memory under its write queue, a database inside the transaction that locked the row.
 */
import type { LendResult, SealedSecret } from '../workflow/ports.ts';

/** A request's secret as kept: the sealed value while it can still be shown, then only what became of it. */
export interface SecretRecord {
  requestId: string;
  owner: string;
  expiresAt: number;
  /** Absent once spent or expired. */
  sealed?: string;
  /** Lent out for showing until then. */
  lentUntil?: number;
  /** Spent: it was shown. */
  revealed?: true;
}

export function secretRecord(secret: SealedSecret): SecretRecord {
  return { requestId: secret.requestId, owner: secret.owner, expiresAt: secret.expiresAt, sealed: secret.sealed };
}

/** The answer to a `lend` and the record to store afterwards (undefined: unchanged). */
export function lendSecret(
  record: SecretRecord | undefined,
  person: string,
  now: number,
  lentUntil: number,
): { result: LendResult; next?: SecretRecord } {
  if (!record) return { result: { ok: false, reason: 'unknown' } };
  if (record.owner !== person) return { result: { ok: false, reason: 'not_owner' } };
  if (record.revealed) return { result: { ok: false, reason: 'already_revealed' } };
  if (record.sealed === undefined) return { result: { ok: false, reason: 'expired' } };
  if (record.lentUntil !== undefined && now < record.lentUntil) return { result: { ok: false, reason: 'being_shown' } };
  if (now >= record.expiresAt) return { result: { ok: false, reason: 'expired' }, next: withoutValue(record) };
  const secret: SealedSecret = {
    requestId: record.requestId,
    owner: record.owner,
    sealed: record.sealed,
    expiresAt: record.expiresAt,
  };
  return { result: { ok: true, secret }, next: { ...record, lentUntil } };
}

export function restoreSecret(record: SecretRecord): SecretRecord {
  const { lentUntil: _lent, ...rest } = record;
  return rest;
}

export function spendSecret(record: SecretRecord): SecretRecord {
  return { ...withoutValue(record), revealed: true };
}

export function isShowing(record: SecretRecord | undefined, now: number): boolean {
  return record?.lentUntil !== undefined && now < record.lentUntil;
}

/** Whether the value must be erased at `now`: past its deadline and not out being shown. */
export function secretExpired(record: SecretRecord, now: number): boolean {
  return record.sealed !== undefined && now >= record.expiresAt && !isShowing(record, now);
}

export function withoutValue(record: SecretRecord): SecretRecord {
  const { sealed: _sealed, lentUntil: _lent, ...rest } = record;
  return rest;
}

/** The submission times still inside the window ending at `now`. */
export function inWindow(times: readonly number[], now: number, windowMs: number): number[] {
  return times.filter((t) => now - t < windowMs);
}

/** A `take` on a window counter: the times to store with one more use at `now`, or undefined when the limit is reached. */
export function takeInWindow(
  times: readonly number[],
  now: number,
  limit: { count: number; windowMs: number },
): number[] | undefined {
  const recent = inWindow(times, now, limit.windowMs);
  return recent.length >= limit.count ? undefined : [...recent, now];
}

export interface LeaseRecord {
  holder: string;
  expiresAt: number;
}

/** Whether `holder` may take (or keep) a lease stored as `lease` at `now`. */
export function mayClaim(lease: LeaseRecord | undefined, holder: string, now: number): boolean {
  return lease === undefined || lease.holder === holder || now >= lease.expiresAt;
}

/** Whether `holder` may extend it: it is still theirs (lapsed but not taken by anyone counts). */
export function mayRenew(lease: LeaseRecord | undefined, holder: string): boolean {
  return lease?.holder === holder;
}
