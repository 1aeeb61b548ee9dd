/** What the workflow needs from the outside world. Slack, the audit file and the clock plug in here. */
import type { AuditHead, AuditRecord } from '../domain/audit-event.ts';
import type { Notice } from '../domain/notice.ts';
import type { Secret } from '../domain/secret.ts';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** People facts; the Slack implementation reads profiles and user groups. */
export interface Directory {
  managerOf(user: string): Promise<string | undefined>;
  emailOf(user: string): Promise<string | undefined>;
  /** `fresh`: bypass any cache — used when the answer decides whether a click may approve. */
  usergroupMembers(usergroup: string, options?: { fresh?: boolean }): Promise<readonly string[]>;
}

export type { EventName as AuditEventName, Notice, RequestNotice, SweepNotice } from '../domain/notice.ts';

/**
 * Delivers notices to people (Slack). Notices wait in the store's outbox and are delivered in order,
 * retried until delivered; `deliver` may be called again for a notice it partly delivered before.
 */
export interface Notifier {
  deliver(notice: Notice): Promise<void>;
}

/** A delivery that failed. `permanent`: it can never succeed as it is (a deleted channel), so it is dropped. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface AuditSink {
  /** Appends in order; returns the log's new head. */
  append(records: readonly AuditRecord[]): Promise<AuditHead | undefined>;
}

/**
 * Holds new secrets in memory, by request id, until their owner has seen them once, or they expire.
 * Showing is two steps so a secret is spent only once it was really shown: `open` lends it (a second
 * `open` meanwhile is refused), then `spend` wipes it, or `restore` makes it revealable again after the
 * showing failed.
 */
export interface SecretVault {
  put(requestId: string, owner: string, secret: Secret, ttlMs: number): void;
  open(requestId: string, person: string): RevealResult;
  spend(requestId: string): void;
  restore(requestId: string): void;
  /** Whether the secret is being shown right now (its deadline must not remove the key meanwhile). */
  showing(requestId: string): boolean;
  discard(requestId: string): void;
}

export type RevealResult =
  | { ok: true; secret: Secret }
  | { ok: false; reason: 'unknown' | 'not_owner' | 'already_revealed' | 'being_shown' | 'expired' };
