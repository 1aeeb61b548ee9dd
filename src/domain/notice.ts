/** What happened to a request, for the people involved: one notice per audit event, delivered in order. */
import type { Request } from './request.ts';

export type EventName =
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
  | 'rotation.abandoned'
  | 'rotation.inactive_keys_deleted'
  | 'request.reminded'
  | 'request.escalated'
  | 'grant.expiring'
  | 'grant.extended'
  | 'revoke.escalated';

/** A notice about one request. */
export interface RequestNotice {
  /** The id of the audit event it reports: stable across redeliveries. */
  id: string;
  event: EventName;
  /** The request as the event left it. */
  request: Request;
  actor: string;
  /** For `request.submitted`, `request.stage_passed`, `request.reminded`, `request.escalated` and `revoke.escalated`: who must act now. */
  approvers?: readonly string[];
}

/** What the reconciliation sweep found in a provider group, for the audit channel. */
export interface SweepNotice {
  id: string;
  event: 'sweep.removed' | 'sweep.unexplained';
  actor: string;
  finding: {
    provider: string;
    group: string;
    /** The member as the provider names them. */
    member: string;
    /** sweep.removed: the ended grant that had added them. */
    grant?: string;
  };
}

export type Notice = RequestNotice | SweepNotice;

export function isRequestNotice(notice: Notice): notice is RequestNotice {
  return 'request' in notice;
}

/** A short name for logs. */
export function describeNotice(notice: Notice): string {
  return isRequestNotice(notice) ? `${notice.request.ref} ${notice.event}` : `${notice.event} ${notice.finding.provider}/${notice.finding.group}/${notice.finding.member}`;
}
