/**
 * Break-glass in Slack: the reviewers' message (Confirm / Flag, settled once reviewed), the loud notice to
 * the admins and the audit channel, the audit thread's replies, the requester's DMs and the Flag modal.
 */
import type { ModalView } from '@slack/types';
import { formatDuration } from '../../domain/duration.ts';
import type { CatalogItem } from '../../domain/policy.ts';
import type { Request } from '../../domain/request.ts';
import type { RequestNotice as Notice } from '../../workflow/ports.ts';
import type { Message } from './approval.ts';
import { escape, fit, LIMITS, mention, name, plainText, requestSummary, slackDate } from './format.ts';
import { ACTION, VIEW } from './ids.ts';
import { reasonModal } from './modals.ts';

export type BreakGlassEvent =
  | 'request.break_glass'
  | 'break_glass.reminded'
  | 'break_glass.confirmed'
  | 'break_glass.flagged'
  | 'break_glass.escalated';

/** "took *Cloudflare admins* at once, for 1h, as an emergency" */
function took(request: Request): string {
  const op = request.operation;
  const span = op.kind === 'group.add' && op.durationMs !== undefined ? `, for ${formatDuration(op.durationMs)}` : '';
  return `took this access at once${span}, declaring an emergency (break-glass)`;
}

/** Where the review stands, in one line. */
export function reviewLine(request: Request): string {
  const bg = request.breakGlass;
  if (!bg) return '';
  const review = bg.review;
  switch (review.state) {
    case 'confirmed':
      return `:white_check_mark: Review: confirmed by ${mention(review.by)}.`;
    case 'flagged':
      return `:triangular_flag_on_post: Review: flagged by ${mention(review.by)}: ${fit(review.reason, 1000, escape)}`;
    case 'awaiting':
      return review.escalatedAt !== undefined
        ? `:rotating_light: Review: not done by ${slackDate(bg.reviewBy)}; the admins were told. *${name(bg.reviewers)}* can still review it.`
        : `:mag: Review: *${name(bg.reviewers)}* confirm or flag it by ${slackDate(bg.reviewBy)}.`;
  }
}

/** A reviewer's message: Confirm / Flag while the review is awaited; no button once it is done. */
export function breakGlassReviewMessage(request: Request, item: CatalogItem | undefined): Message {
  const awaiting = request.breakGlass?.review.state === 'awaiting';
  const summary = requestSummary(request, item);
  return {
    text: `${request.ref}: ${mention(request.requester)} used break-glass${awaiting ? ': your review is needed' : ''}`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: fit(
            `:rotating_light: *Break-glass:* ${mention(request.requester)} ${took(request)}.\n${summary}`,
            LIMITS.sectionText,
          ),
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: reviewLine(request) }] },
      ...(awaiting
        ? [
            {
              type: 'actions' as const,
              block_id: 'break-glass-review',
              elements: [
                {
                  type: 'button' as const,
                  action_id: ACTION.breakGlassConfirm,
                  text: { type: 'plain_text' as const, text: 'Confirm' },
                  style: 'primary' as const,
                  value: request.id,
                },
                {
                  type: 'button' as const,
                  action_id: ACTION.breakGlassFlag,
                  text: { type: 'plain_text' as const, text: 'Flag' },
                  style: 'danger' as const,
                  value: request.id,
                },
              ],
            },
          ]
        : []),
    ],
  };
}

/** The loud notice to the admins and the audit channel: the emergency itself, a flag, or a review not done in time. */
export function breakGlassAlert(notice: Notice, item: CatalogItem | undefined): Message {
  const { request } = notice;
  const head =
    notice.event === 'break_glass.flagged'
      ? `:triangular_flag_on_post: *Break-glass flagged* by ${mention(notice.actor)}: act on it.`
      : notice.event === 'break_glass.escalated'
        ? ':rotating_light: *Break-glass not reviewed in time*: act on it.'
        : `:rotating_light: *Break-glass:* ${mention(request.requester)} ${took(request)}.`;
  const text = `${head}\n${requestSummary(request, item, true)}\n${reviewLine(request)}`;
  return {
    // Not "REQ-0042: …": `audit verify --slack` reads a channel message so written as a request's thread root.
    text: `${plainText(head)} (${request.ref})`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: fit(text, LIMITS.sectionText) } }],
  };
}

/** The audit thread's reply for a break-glass event. */
export function breakGlassAuditReply(notice: Notice & { event: BreakGlassEvent }): string {
  const { request } = notice;
  const bg = request.breakGlass;
  const due = bg ? slackDate(bg.reviewBy) : 'its deadline';
  const reviewers = `*${name(bg?.reviewers ?? '?')}*${people(notice.approvers)}`;
  switch (notice.event) {
    case 'request.break_glass':
      return `:rotating_light: Break-glass by ${mention(request.requester)}: carried out at once, without approval. Review by ${reviewers} due ${due}; the admins were told.`;
    case 'break_glass.reminded':
      return `:alarm_clock: Break-glass review still awaited: reminded ${reviewers}; due ${due}.`;
    case 'break_glass.confirmed':
      return `:white_check_mark: Break-glass confirmed by ${mention(notice.actor)}.`;
    case 'break_glass.flagged':
      return `:triangular_flag_on_post: Break-glass flagged by ${mention(notice.actor)}: ${bg?.review.state === 'flagged' ? fit(bg.review.reason, 2000, escape) : ''} The admins were told.`;
    case 'break_glass.escalated':
      return `:rotating_light: Break-glass not reviewed by ${due}: the admins were told.`;
  }
}

/** What the requester hears by DM. */
export function breakGlassRequesterLine(notice: Notice & { event: BreakGlassEvent }): string | undefined {
  const bg = notice.request.breakGlass;
  const due = bg ? slackDate(bg.reviewBy) : 'its deadline';
  switch (notice.event) {
    case 'request.break_glass':
      return `Break-glass: carrying it out now, without approval. *${name(bg?.reviewers ?? '?')}* will review it by ${due}, and the admins were told.`;
    case 'break_glass.confirmed':
      return `Your break-glass use was confirmed by ${mention(notice.actor)}.`;
    case 'break_glass.flagged':
      return `Your break-glass use was flagged by ${mention(notice.actor)}: ${bg?.review.state === 'flagged' ? fit(bg.review.reason, 2000, escape) : ''} The admins were told.`;
    case 'break_glass.escalated':
      return `Your break-glass use was not reviewed by ${due}: the admins were told.`;
    case 'break_glass.reminded':
      return undefined;
  }
}

/** Flag asks why: the admins act on it. */
export function flagModal(request: Request, item: CatalogItem | undefined, maxReasonLength: number): ModalView {
  return reasonModal(
    request,
    item,
    VIEW.breakGlassFlag,
    { title: `Flag ${request.ref}`, submit: 'Flag', label: 'Why flag it? (the admins act on it)' },
    maxReasonLength,
  );
}

function people(list: readonly string[] | undefined): string {
  if (!list || list.length === 0) return '';
  return ` (${list.slice(0, 20).map(mention).join(', ')}${list.length > 20 ? ', …' : ''})`;
}
