/** What the workflow needs from the outside world. Slack, the audit file and the clock plug in here. */
import type { AuditHead, AuditRecord } from '../domain/audit-event.ts';
import type { Request } from '../domain/request.ts';
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

export type AuditEventName =
  | 'request.submitted'
  | 'request.approval_recorded'
  | 'request.stage_passed'
  | 'request.approved'
  | 'request.denied'
  | 'request.cancelled'
  | 'request.expired'
  | 'request.retried'
  | 'execution.started'
  | 'execution.completed'
  | 'execution.failed'
  | 'revoke.started'
  | 'revoke.completed'
  | 'revoke.failed'
  | 'rotation.key_created'
  | 'rotation.revealed'
  | 'rotation.confirmed'
  | 'rotation.abandoned';

/** One thing that happened to a request, for the people involved. */
export interface Notice {
  event: AuditEventName;
  request: Request;
  actor: string;
  /** For `request.submitted` and `request.stage_passed`: who must decide now. */
  approvers?: readonly string[];
}

export interface Notifier {
  notify(notice: Notice): Promise<void>;
  /** A new secret is waiting for the requester to reveal it once (`request.status.rotation.step` is `reveal`). */
  secretReady(request: Request): Promise<void>;
}

export interface AuditSink {
  /** Appends in order; returns the log's new head. */
  append(records: readonly AuditRecord[]): Promise<AuditHead | undefined>;
}

/** Holds new secrets in memory, by request id, until their owner takes them once, or they expire. */
export interface SecretVault {
  put(requestId: string, owner: string, secret: Secret, ttlMs: number): void;
  take(requestId: string, person: string): RevealResult;
  discard(requestId: string): void;
}

export type RevealResult =
  | { ok: true; secret: Secret }
  | { ok: false; reason: 'unknown' | 'not_owner' | 'already_revealed' | 'expired' };
