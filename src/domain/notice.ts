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
  | 'request.reminded'
  | 'request.escalated'
  | 'grant.expiring'
  | 'grant.extended'
  | 'revoke.escalated';

export interface Notice {
  /** The id of the audit event it reports: stable across redeliveries. */
  id: string;
  event: EventName;
  /** The request as the event left it. */
  request: Request;
  actor: string;
  /** For `request.submitted`, `request.stage_passed`, `request.reminded`, `request.escalated` and `revoke.escalated`: who must act now. */
  approvers?: readonly string[];
}
