/**
 * What the audit log records for a request's changes: the event names and details each domain event
 * (or a submission) becomes. Pure: who was asked (the approvers) is added by the service, which looks
 * them up, and who the actor was by the recorder.
 */
import { describeRule } from '../domain/auto-approval.ts';
import type { AutoApproveRule, CatalogItem } from '../domain/policy.ts';
import type { Request } from '../domain/request.ts';
import type { RequestEvent } from '../domain/transitions.ts';
import type { Recorded } from './recorder.ts';

/** Why an auto-approval rule did not pass a request, as the audit log records it. */
export interface RuleVerdictRecord {
  rule: string;
  applied: false;
  why: string;
}

/** The details of `request.submitted`. */
export function submittedDetails(
  item: CatalogItem,
  request: Request,
  submission: {
    durationMs: number | undefined;
    extends: string | undefined;
    /** Set when no rule applied: why each of the item's rules did not. */
    verdicts: readonly RuleVerdictRecord[] | undefined;
  },
): Record<string, unknown> {
  const details: Record<string, unknown> = {
    item: item.id,
    kind: item.kind,
    provider: item.provider,
    reason: request.reason,
  };
  if (request.target) details.target = request.target;
  if (request.operation.kind === 'group.add' || request.operation.kind === 'group.remove')
    details.group = request.operation.group;
  if (submission.durationMs !== undefined) details.durationMs = submission.durationMs;
  if (submission.extends) details.extends = submission.extends;
  // Why no rule applied, when the item has some: the audit log says which condition or cap stopped each.
  if (submission.verdicts && submission.verdicts.length > 0) details.autoApproval = submission.verdicts;
  return details;
}

/** The details of `request.auto_approved`: which rule passed the first stage, and which use of its cap this was. */
export function autoApprovedDetails(
  rule: AutoApproveRule,
  request: Request,
  usesBefore: number,
): Record<string, unknown> {
  return {
    rule: rule.name,
    stage: 1,
    set: request.stages[0]?.set,
    conditions: describeRule(rule),
    use: usesBefore + 1,
    cap: { uses: rule.cap.uses, perMs: rule.cap.perMs },
  };
}

/** The audit events one transition produces. */
export function recordedFor(before: Request, after: Request, event: RequestEvent): Recorded[] {
  const actor = 'actor' in event ? event.actor : 'system';
  switch (event.type) {
    case 'approve': {
      const stage = before.status.state === 'pending' ? before.status.stage : 0;
      const details = { stage: stage + 1, set: before.stages[stage]?.set };
      if (after.status.state === 'approved') return [{ event: 'request.approved', actor, details }];
      if (after.status.state === 'pending' && after.status.stage !== stage) {
        return [{ event: 'request.stage_passed', actor, details }];
      }
      return [{ event: 'request.approval_recorded', actor, details }];
    }
    case 'deny':
      return [{ event: 'request.denied', actor, details: { reason: event.reason.trim() } }];
    case 'cancel':
      return [{ event: 'request.cancelled', actor }];
    case 'expire':
      return [{ event: 'request.expired', actor }];
    case 'retry':
      return [{ event: 'request.retried', actor }];
    case 'revoke':
      return [{ event: 'revoke.started', actor, details: { trigger: event.trigger } }];
    case 'reveal':
      return [{ event: 'rotation.revealed', actor, details: { confirmBy: new Date(event.confirmBy).toISOString() } }];
    case 'confirmDeadline':
      return [{ event: 'rotation.confirm_deadline', actor }];
    case 'confirm':
      return [{ event: 'rotation.confirmed', actor }];
    case 'abandon':
      return [{ event: 'rotation.abandoned', actor, details: { reason: event.reason } }];
    case 'warn':
      return [{ event: 'grant.expiring', actor }];
    case 'remind':
      return [{ event: 'request.reminded', actor }];
    case 'escalate':
      return [{ event: 'request.escalated', actor, details: { set: event.set } }];
    case 'release': {
      // A release, not the period running out: when it would have ended, and whether the holder chose it.
      const s = before.status;
      const scheduledEnd =
        s.state === 'completed' && s.grantExpiresAt !== undefined
          ? { scheduledEnd: new Date(s.grantExpiresAt).toISOString() }
          : {};
      return [
        {
          event: 'grant.released',
          actor,
          details: { releasedEarlyBy: actor, byHolder: actor === before.requester, ...scheduledEnd },
        },
      ];
    }
    default:
      return [];
  }
}
