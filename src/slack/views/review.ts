/**
 * An access review in Slack: one message per reviewer with a Keep / Remove pair per member they may
 * decide, paged (Slack takes at most 50 blocks in a message, https://api.slack.com/reference/block-kit/blocks),
 * the audit thread's root and replies, the reminder and the admins' report of what nobody decided.
 */
import type { KnownBlock } from '@slack/types';
import type { ReviewNotice } from '../../domain/notice.ts';
import type { CatalogItem } from '../../domain/policy.ts';
import { reviewCounts, undecided, type Review, type ReviewMember } from '../../domain/review.ts';
import type { Message } from './approval.ts';
import { escape, fit, LIMITS, mention, name, plainText, slackDate } from './format.ts';
import { ACTION, reviewValue } from './ids.ts';

/** Members per page: two blocks each (the name, the buttons), with the header, progress and paging: 43 blocks at most. */
export const REVIEW_PAGE_SIZE = 20;

/** Every member `reviewer` may decide on, with its index in the review (what the buttons carry). */
function membersOf(review: Review, reviewer: string): { member: ReviewMember; index: number }[] {
  return review.members.flatMap((member, index) => (member.reviewers.includes(reviewer) ? [{ member, index }] : []));
}

export function pageCount(review: Review, reviewer: string): number {
  return Math.max(1, Math.ceil(membersOf(review, reviewer).length / REVIEW_PAGE_SIZE));
}

function title(review: Review, item: CatalogItem | undefined): string {
  return `*${name(item?.title ?? review.group)}*`;
}

function verdictLine(member: ReviewMember): string {
  const d = member.decision;
  if (!d) return ':grey_question: not decided';
  return d.verdict === 'keep'
    ? `:white_check_mark: kept by ${mention(d.by)}`
    : `:no_entry: removed by ${mention(d.by)}`;
}

/**
 * The reviewer's message at `page`: live buttons while the review is open and the member undecided; a
 * closed review's message keeps its verdicts and loses every button.
 */
export function reviewMessage(review: Review, item: CatalogItem | undefined, reviewer: string, page: number): Message {
  const mine = membersOf(review, reviewer);
  const pages = pageCount(review, reviewer);
  const at = Math.min(Math.max(page, 0), pages - 1);
  const shown = mine.slice(at * REVIEW_PAGE_SIZE, (at + 1) * REVIEW_PAGE_SIZE);
  const s = review.status;
  const live = s.state === 'open';
  const counts = reviewCounts(review);
  const head =
    s.state === 'open'
      ? `:mag: Access review ${review.ref} of ${title(review, item)}: should each member keep their place? Decide by ${slackDate(s.deadline)}; what is not decided then is reported to the admins, never removed.`
      : s.state === 'closed'
        ? `:lock: Access review ${review.ref} of ${title(review, item)} is closed: ${counts.kept} kept, ${counts.removed} removed, ${counts.undecided} not decided (reported to the admins).`
        : `Access review ${review.ref} of ${title(review, item)}.`;
  const excluded = review.members.length - mine.length;
  const progress = [
    `${counts.members - counts.undecided} of ${counts.members} decided`,
    ...(pages > 1 ? [`page ${at + 1} of ${pages} (${mine.length} members for you)`] : []),
    ...(excluded > 0 ? [`${excluded} not yours to decide (another reviewer decides on your own membership)`] : []),
  ];
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: fit(head, LIMITS.sectionText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: progress.join(' · ') }] },
  ];
  for (const { member, index } of shown) {
    blocks.push({
      type: 'section',
      block_id: `member:${index}`,
      text: { type: 'mrkdwn', text: `*${name(member.name)}* — ${verdictLine(member)}` },
    });
    if (live && !member.decision)
      blocks.push({
        type: 'actions',
        block_id: `decide:${index}`,
        elements: [
          {
            type: 'button',
            action_id: ACTION.reviewKeep,
            text: { type: 'plain_text', text: 'Keep' },
            style: 'primary',
            value: reviewValue(review.id, index),
          },
          {
            type: 'button',
            action_id: ACTION.reviewRemove,
            text: { type: 'plain_text', text: 'Remove' },
            style: 'danger',
            value: reviewValue(review.id, index),
          },
        ],
      });
  }
  if (pages > 1) {
    const nav = [
      ...(at > 0 ? [{ label: '← Previous', to: at - 1 }] : []),
      ...(at < pages - 1 ? [{ label: 'Next →', to: at + 1 }] : []),
    ];
    blocks.push({
      type: 'actions',
      block_id: 'pages',
      elements: nav.map(({ label, to }, n) => ({
        type: 'button' as const,
        action_id: `${ACTION.reviewPage}:${n}`,
        text: { type: 'plain_text' as const, text: label },
        value: reviewValue(review.id, to),
      })),
    });
  }
  return { text: fit(plainText(head), LIMITS.sectionText), blocks };
}

function undecidedNames(review: Review, max: number): string {
  const names = undecided(review).map((m) => escape(m.name));
  return fit(names.join(', '), max) || 'none';
}

/** The reminder to a reviewer with members still to decide: their review message has the buttons. */
export function reviewReminder(review: Review, item: CatalogItem | undefined, reviewer: string): Message {
  const left = membersOf(review, reviewer).filter(({ member }) => !member.decision).length;
  const s = review.status;
  const by = s.state === 'open' ? ` by ${slackDate(s.deadline)}` : '';
  const text = `:bell: Access review ${review.ref} of ${title(review, item)}: ${left} member${left === 1 ? '' : 's'} still wait for your decision${by}. The buttons are in the review message.`;
  return { text: plainText(text), blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** To the admins at the close: what nobody decided stays as it is, and someone should look at it. */
export function undecidedReport(review: Review, item: CatalogItem | undefined): Message {
  const counts = reviewCounts(review);
  const head = `:warning: Access review ${review.ref} of ${title(review, item)} closed with ${counts.undecided} member${counts.undecided === 1 ? '' : 's'} nobody decided on; they were left in the group: `;
  const text = `${head}${undecidedNames(review, LIMITS.sectionText - head.length - 80)}. \`iam-bot review report --review ${review.ref}\` lists them.`;
  return {
    text: fit(plainText(text), LIMITS.sectionText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

/** The root of the review's audit thread, kept current. */
export function reviewAuditRoot(review: Review, item: CatalogItem | undefined): Message {
  const s = review.status;
  const counts = reviewCounts(review);
  const state =
    s.state === 'requested'
      ? 'requested'
      : s.state === 'open'
        ? `open until ${slackDate(s.deadline)}: ${counts.kept} kept, ${counts.removed} removed, ${counts.undecided} to decide`
        : s.state === 'closed'
          ? `closed: ${counts.kept} kept, ${counts.removed} removed, ${counts.undecided} not decided`
          : `could not start: ${escape(s.problem)}`;
  const text = `:mag: Access review ${review.ref} of ${title(review, item)} (${name(review.provider)} group \`${name(review.group)}\`), reviewers *${name(review.reviewerSet)}*, asked by ${review.requestedBy.startsWith('U') || review.requestedBy.startsWith('W') ? mention(review.requestedBy) : escape(review.requestedBy)} — ${state}`;
  return {
    text: fit(plainText(text), LIMITS.sectionText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: fit(text, LIMITS.sectionText) } }],
  };
}

/** The event's reply in the review's audit thread. */
export function reviewAuditReply(notice: ReviewNotice): string {
  const { review } = notice;
  const s = review.status;
  switch (notice.event) {
    case 'review.started':
      return `Started: ${review.members.length} members listed, ${review.reviewers.map(mention).join(', ') || 'no reviewer'} asked${s.state === 'open' ? `, deadline ${slackDate(s.deadline)}` : ''}.`;
    case 'review.decided': {
      const member = review.members.find((m) => m.id === notice.memberId);
      return member ? `*${name(member.name)}* (${escape(member.id)}): ${verdictLine(member)}.` : 'A decision.';
    }
    case 'review.reminded':
      return `Reminded ${notice.people?.map(mention).join(', ') || 'nobody'}: members still to decide.`;
    case 'review.closed': {
      const c = reviewCounts(review);
      const head = `Closed at its deadline: ${c.kept} kept, ${c.removed} removed, ${c.undecided} not decided (left in the group, reported to the admins)`;
      return c.undecided > 0 ? `${head}: ${undecidedNames(review, LIMITS.updateText - head.length - 10)}.` : `${head}.`;
    }
    case 'review.failed':
      return `Could not start: ${s.state === 'failed' ? escape(s.problem) : 'unknown'}. Nobody was asked and nothing changed.`;
  }
}
