/** The audit channel: one root message per request kept current, and one threaded reply per event. */
import type { CatalogItem } from '../../domain/policy.ts';
import type { Request } from '../../domain/request.ts';
import type { RequestNotice as Notice } from '../../workflow/ports.ts';
import type { Message } from './approval.ts';
import { breakGlassAuditReply } from './break-glass.ts';
import {
  approver,
  escape,
  LIMITS,
  mention,
  outcomeLine,
  plainText,
  requestSummary,
  rollsInPlace,
  ruleApproval,
  slackDate,
  stateLabel,
  targetLine,
  removedBy,
} from './format.ts';

/** The thread's root; `latestSeq`, when known, is the audit log entry of the request's latest event. */
export function auditRoot(request: Request, item: CatalogItem | undefined, latestSeq?: number): Message {
  const state = stateLabel(request);
  const seq = latestSeq === undefined ? '' : `${SEPARATOR}audit log #${latestSeq}`;
  const outcome = outcomeLine(request, LIMITS.contextText - state.length - SEPARATOR.length - seq.length);
  return {
    text: `${request.ref}: ${plainText(state)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: requestSummary(request, item, true) } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `${[state, outcome].filter(Boolean).join(SEPARATOR)}${seq}` }],
      },
    ],
  };
}

/** A checkpoint post: the chain head, written so it can be pasted into `audit verify --checkpoint`. */
export function checkpointMessage(head: { seq: number; hash: string }): Message {
  const text = `Audit checkpoint ${head.seq}:${head.hash}`;
  return {
    text,
    blocks: [
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `:lock: Audit log checkpoint \`${head.seq}:${head.hash}\` — check with \`iam-bot audit verify --checkpoint ${head.seq}:${head.hash}\``,
          },
        ],
      },
    ],
  };
}

const SEPARATOR = ' · ';

/**
 * One line per event, naming who acted and, for provider results, the provider's request id. `providerType`:
 * the policy's type of the request's provider (how its keys rotate).
 */
export function auditReply(notice: Notice, providerType?: string): string {
  const { request, actor } = notice;
  const who = actor === 'system' ? 'iam-bot' : mention(actor);
  const s = request.status;
  switch (notice.event) {
    case 'request.submitted': {
      const submitted = `:inbox_tray: Submitted by ${who}.${request.target ? ` ${targetLine(request)}.` : ''}`;
      // A rule passed the first stage in the same change: its own reply says what comes next.
      if (ruleApproval(request)) return submitted;
      return `${submitted} Waiting for *${request.stages[0]?.set ?? '?'}*${approversLine(notice)}.`;
    }
    case 'request.auto_approved': {
      const rule = ruleApproval(request);
      const by = `:robot_face: Stage 1 (*${request.stages[0]?.set ?? '?'}*) approved by ${rule ? approver(rule) : 'a rule'}`;
      if (s.state !== 'pending') return `${by}. Carrying it out.`;
      return `${by}. Now waiting for *${request.stages[s.stage]?.set ?? '?'}*${approversLine(notice)}.`;
    }
    case 'request.approval_recorded':
      return `:ballot_box_with_check: Approved by ${who}; more approvals needed.`;
    case 'request.stage_passed':
      return `:ballot_box_with_check: Approved by ${who}. Now waiting for *${s.state === 'pending' ? request.stages[s.stage]?.set : '?'}*${approversLine(notice)}.`;
    case 'request.approved':
      return `:white_check_mark: Approved by ${who}. Carrying it out.`;
    case 'request.denied':
      return `:no_entry: Denied by ${who}: ${s.state === 'denied' ? escape(s.reason) : ''}`;
    case 'request.cancelled':
      return `:heavy_multiplication_x: Cancelled by ${who}.`;
    case 'request.expired':
      return ':clock3: Expired: nobody decided in time.';
    case 'request.retried':
      return `:repeat: Retried by ${who}.`;
    case 'execution.started':
      return `:gear: Calling ${escape(request.provider)}.`;
    case 'execution.completed':
    case 'revoke.completed':
      return `:white_check_mark: ${outcomeLine(request) ?? 'Done.'}`;
    case 'execution.failed':
    case 'revoke.failed':
      return `:x: ${outcomeLine(request) ?? 'Failed.'}`;
    case 'revoke.started':
      return s.state === 'revoking' && s.trigger === 'removed'
        ? `:lock: Ended early: an access review removed the member from the group${removedBy(request)}.`
        : ':lock: Access period over: removing the membership.';
    case 'grant.released':
      return `:unlock: Released early by ${who}, before the end of the period: removing the membership.`;
    case 'rotation.key_created':
      if (rollsInPlace(request, providerType))
        return `:key: Token ${s.state === 'executing' && s.rotation?.step === 'reveal' ? escape(s.rotation.newKeyId) : ''} rolled: its old value stopped working at the roll. Waiting for ${mention(request.requester)} to reveal the new value.`;
      return `:key: New key ${s.state === 'executing' && s.rotation?.step === 'reveal' ? escape(s.rotation.newKeyId) : ''} created; waiting for ${mention(request.requester)} to reveal it.`;
    case 'rotation.revealed':
      return `:eyes: The new key was revealed to ${who}. ${confirmDeadline(request, providerType)}`;
    case 'rotation.confirm_deadline':
      if (rollsInPlace(request, providerType))
        return `:alarm_clock: ${mention(request.requester)} did not confirm the new value is in use by the deadline; closing the request (the old value stopped working at the roll: nothing is left to retire).`;
      return `:alarm_clock: ${mention(request.requester)} did not confirm the new key is in use by the deadline; retiring the old key as announced.`;
    case 'rotation.confirmed':
      if (rollsInPlace(request, providerType))
        return `:white_check_mark: ${who} confirmed the new value is in use. The old value stopped working at the roll: nothing is left to retire.`;
      return `:white_check_mark: ${who} confirmed the new key is in use; retiring the old key.`;
    case 'rotation.abandoned':
      if (rollsInPlace(request, providerType))
        return ':wastebasket: The rolled value was not revealed in time and cannot be shown again; the old value stopped working at the roll, so there is nothing to keep.';
      return ':wastebasket: The new key was not revealed in time; deleting it and keeping the old key.';
    case 'rotation.inactive_keys_deleted':
      return ':wastebasket: Deleted the keys an earlier rotation had deactivated, before creating the new one.';
    case 'request.reminded':
      return `:alarm_clock: Still waiting: reminded${approversLine(notice)}.`;
    case 'request.escalated':
      return `:rotating_light: Nobody decided in time: escalated to *${s.state === 'pending' ? (s.escalatedTo ?? '?') : '?'}*${approversLine(notice)}.`;
    case 'grant.expiring':
      return `:hourglass: Access ends ${s.state === 'completed' && s.grantExpiresAt !== undefined ? slackDate(s.grantExpiresAt) : 'soon'}; ${mention(request.requester)} was warned.`;
    case 'grant.extended':
      return `:hourglass_flowing_sand: Extended until ${s.state === 'completed' && s.grantExpiresAt !== undefined ? slackDate(s.grantExpiresAt) : '?'} by ${who}'s approved request.`;
    case 'revoke.escalated':
      return `:rotating_light: Removing the access keeps failing (${s.state === 'revoking' ? (s.lastError?.kind ?? '?') : '?'}); the admins were told${approversLine(notice)}. Still retrying.`;
    case 'request.break_glass':
    case 'break_glass.reminded':
    case 'break_glass.confirmed':
    case 'break_glass.flagged':
    case 'break_glass.escalated':
      return breakGlassAuditReply({ ...notice, event: notice.event });
    case 'effect.unverified':
      return `:rotating_light: ${escape(request.provider)} acknowledged the change, but reading it back does not show it: not done. ${(notice.approvers ?? []).length > 0 ? `The admins were told${approversLine(notice)}.` : 'The policy names no admins to tell: check the provider.'}`;
  }
}

/** The confirmation deadline and what happens at it, as the owner was told. */
export function confirmDeadline(request: Request, providerType?: string): string {
  const s = request.status;
  const by =
    s.state === 'executing' && s.rotation?.step === 'confirm' ? slackDate(s.rotation.confirmBy) : 'the deadline';
  const then = rollsInPlace(request, providerType)
    ? 'the request is closed anyway (the old value stopped working at the roll: nothing is left to retire)'
    : 'the old key is retired anyway';
  return `Waiting for ${mention(request.requester)} to confirm it is in use, until ${by}; then ${then}.`;
}

function approversLine(notice: Notice): string {
  const people = notice.approvers ?? [];
  if (people.length === 0) return ' (nobody can approve it: check the policy)';
  return ` (${people.slice(0, 20).map(mention).join(', ')}${people.length > 20 ? ', …' : ''})`;
}
