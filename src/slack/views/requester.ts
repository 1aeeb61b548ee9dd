/** What the requester hears by DM about their own request. */
import type { CatalogItem } from '../../domain/policy.ts';
import type { RequestNotice as Notice } from '../../workflow/ports.ts';
import type { Message } from './approval.ts';
import {
  extensionWords,
  headline,
  LIMITS,
  mention,
  name,
  peopleOutcomeLine,
  plainText,
  approver,
  ruleApproval,
  stateLabel,
  underHeadline,
  reviewRemovedYou,
} from './format.ts';
import { grantedMessage } from './grant.ts';
import { breakGlassRequesterLine } from './break-glass.ts';
import { rotationNews } from './rotation.ts';

/** The DM for an event, or undefined for events the requester need not hear about. */
export function requesterUpdate(
  notice: Notice,
  item: CatalogItem | undefined,
  providerType?: string,
): Message | undefined {
  const { request } = notice;
  const head = headline(request, item);
  const line = (text: string): Message => ({
    text: `${request.ref}: ${plainText(text)}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: underHeadline(request, item, text) } }],
  });
  // The state, then the outcome (a denial reason, an error message) in the section's remaining room.
  const state = stateLabel(request);
  const outcome = () =>
    `${state}\n${peopleOutcomeLine(request, item, LIMITS.sectionText - head.length - state.length - 2) ?? ''}`;
  switch (notice.event) {
    case 'request.submitted':
      // Passed by a rule in the same change: the rule's news says it all.
      if (ruleApproval(request)) return undefined;
      if (request.operation.kind === 'group.add' && request.operation.extends !== undefined) {
        return line(
          `You asked to ${extensionWords(request, item, 'your')}. Waiting for *${name(request.stages[0]?.set ?? '?')}* to approve.`,
        );
      }
      return line(`Submitted. Waiting for *${name(request.stages[0]?.set ?? '?')}* to approve.`);
    case 'request.auto_approved': {
      const rule = ruleApproval(request);
      const by = rule ? approver(rule) : 'a rule';
      return request.status.state === 'pending'
        ? line(
            `Stage 1 approved by ${by}. Now waiting for *${name(request.stages[request.status.stage]?.set ?? '?')}* to approve.`,
          )
        : line(`Approved by ${by}. Carrying it out now.`);
    }
    case 'request.stage_passed':
      return line(`${mention(notice.actor)} approved. Now waiting for the next stage.`);
    case 'request.approved':
      return line(`Approved by ${mention(notice.actor)}. Carrying it out now.`);
    case 'execution.completed': {
      const s = request.status;
      return s.state === 'completed' && s.grantExpiresAt !== undefined
        ? grantedMessage(request, item, outcome())
        : line(outcome());
    }
    case 'request.denied':
    case 'execution.failed':
    case 'revoke.completed':
      return line(outcome());
    case 'request.cancelled':
      return notice.actor === request.requester ? undefined : line(outcome());
    case 'request.expired':
      return line('Expired: nobody decided in time. Ask again if you still need it.');
    case 'rotation.confirm_deadline':
    case 'rotation.abandoned':
      return line(rotationNews(notice.event, request, providerType));
    case 'grant.extended':
      return line(`${state} — your extension was approved.`);
    case 'grant.released':
      return notice.actor === request.requester
        ? line('Releasing your access now, as you asked.')
        : line(`${mention(notice.actor)} ended your access early: removing it now.`);
    case 'request.break_glass':
    case 'break_glass.confirmed':
    case 'break_glass.flagged':
    case 'break_glass.escalated': {
      const text = breakGlassRequesterLine({ ...notice, event: notice.event });
      return text === undefined ? undefined : line(text);
    }
    case 'revoke.started': {
      const trigger = request.status.state === 'revoking' ? request.status.trigger : undefined;
      if (trigger === 'released') return line('Releasing your access now, as you asked.');
      if (trigger === 'removed') return line(reviewRemovedYou(request));
      return line('Your access period is over: removing it now.');
    }
    default:
      return undefined;
  }
}
