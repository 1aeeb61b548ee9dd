/** What happened to a request, for the people involved: one notice per audit event, delivered in order. */
import type { Request, Verification } from './request.ts';
import type { Review } from './review.ts';

/** The events that are about one request and reach its people (and its audit thread) as notices. */
export const REQUEST_EVENTS = [
  'request.submitted',
  'request.approval_recorded',
  // An auto-approval rule passed the first stage: the request is approved, or waits for the next stage.
  'request.auto_approved',
  'request.stage_passed',
  'request.approved',
  'request.denied',
  'request.cancelled',
  'request.expired',
  'request.retried',
  'execution.started',
  'execution.completed',
  'execution.failed',
  'revoke.started',
  'revoke.completed',
  'revoke.failed',
  'rotation.key_created',
  'rotation.revealed',
  'rotation.confirmed',
  'rotation.confirm_deadline',
  'rotation.abandoned',
  'rotation.inactive_keys_deleted',
  'request.reminded',
  'request.escalated',
  'grant.expiring',
  'grant.extended',
  // Ended early by its holder ("I'm done") or an admin: not the end of the period.
  'grant.released',
  'revoke.escalated',
  // A change the provider acknowledged but its reads do not show, after every attempt: the admins are told.
  'effect.unverified',
  // Break-glass: carried out at once without approval (the admins and the audit channel are told), then
  // reviewed: its reviewers reminded, its review confirmed or flagged, or escalated to the admins unreviewed.
  'request.break_glass',
  'break_glass.reminded',
  'break_glass.confirmed',
  'break_glass.flagged',
  'break_glass.escalated',
] as const;

export type EventName = (typeof REQUEST_EVENTS)[number];

/** A notice about one request. */
export interface RequestNotice {
  /** The id of the audit event it reports: stable across redeliveries. */
  id: string;
  event: EventName;
  /** The request as the event left it. */
  request: Request;
  actor: string;
  /** When it was committed (epoch ms): the outbox's age. Absent in notices written by earlier releases. */
  at?: number;
  /** For `request.submitted`, `request.stage_passed`, `request.reminded`, `request.escalated`, `revoke.escalated` and `effect.unverified`: who must act now. */
  approvers?: readonly string[];
  /** For `request.break_glass`, `break_glass.flagged` and `break_glass.escalated`: the admins, told loudly. */
  admins?: readonly string[];
}

/** What the reconciliation sweep found in a provider group, for the audit channel. */
export type SweepNotice = { id: string; actor: string; at?: number } & SweepFinding;

export type SweepFinding =
  | {
      event: 'sweep.removed' | 'sweep.unexplained';
      finding: {
        provider: string;
        group: string;
        /** The member as the provider names them. */
        member: string;
        /** sweep.removed: the ended grant that had added them. */
        grant?: string;
        /** sweep.removed: the removal, read back from the provider. */
        verified?: true;
        readBack?: readonly Verification[];
      };
    }
  /** The sweep could not see these groups whole (a provider error), so it changed nothing in them. */
  | { event: 'sweep.incomplete'; finding: { provider: string; group: string; problem: string } };

/** Where a part of a notice was to go: a channel (the audit channel, an item's approval channel) or a person's DM. */
export type Recipient = { channel: string } | { user: string };

/** A part of a notice that can never be delivered as things stand (the bot is not in the channel, the person is deactivated). */
export interface Undelivered {
  /** Which part: `audit-reply`, `requester`, `ask:U0BOB`, … */
  part: string;
  to: Recipient;
  /** The messenger's error code, e.g. Slack's `not_in_channel`. */
  code: string;
}

/** Parts of an earlier notice that could never be delivered: the admins are told (it is in the audit log too). */
export interface UndeliveredNotice {
  id: string;
  event: 'notice.undelivered';
  actor: 'system';
  /** The notice some of whose parts were not delivered. */
  about: { notice: string; event: string; requestRef?: string };
  undelivered: readonly Undelivered[];
  /** Who is told; empty: the audit channel is told instead. */
  admins: readonly string[];
  /** When it was committed (epoch ms): the outbox's age. Absent in notices written by earlier releases. */
  at?: number;
}

/** The events of an access review that reach people: its reviewers, its audit thread, the admins. */
export const REVIEW_EVENTS = [
  'review.started',
  'review.decided',
  'review.reminded',
  'review.closed',
  'review.failed',
] as const;

export type ReviewEventName = (typeof REVIEW_EVENTS)[number];

/** A notice about one access review. */
export interface ReviewNotice {
  id: string;
  event: ReviewEventName;
  /** The review as the event left it. */
  review: Review;
  actor: string;
  /** review.decided: the member decided on. */
  memberId?: string;
  /** review.reminded: the reviewers with members still to decide; review.closed: the admins told of the undecided. */
  people?: readonly string[];
  /** When it was committed (epoch ms). */
  at?: number;
}

export type Notice = RequestNotice | SweepNotice | UndeliveredNotice | ReviewNotice;

export function isRequestNotice(notice: Notice): notice is RequestNotice {
  return 'request' in notice;
}

export function isReviewNotice(notice: Notice): notice is ReviewNotice {
  return 'review' in notice;
}

/**
 * What a notice is about, for the outbox's order and leases: its request's id, its review's id, or else its own id.
 * A subject's notices are delivered in commit order; two subjects' need no order between them.
 */
export function noticeSubject(notice: Notice): string {
  return isRequestNotice(notice) ? notice.request.id : isReviewNotice(notice) ? notice.review.id : notice.id;
}

export function isUndeliveredNotice(notice: Notice): notice is UndeliveredNotice {
  return notice.event === 'notice.undelivered';
}

/** A short name for logs. */
export function describeNotice(notice: Notice): string {
  if (isRequestNotice(notice)) return `${notice.request.ref} ${notice.event}`;
  if (isUndeliveredNotice(notice))
    return `${notice.event} ${notice.about.requestRef ?? ''} ${notice.about.event}`.replace(/ +/g, ' ');
  if (isReviewNotice(notice)) return `${notice.review.ref} ${notice.event}`;
  const { provider, group } = notice.finding;
  return notice.event === 'sweep.incomplete'
    ? `${notice.event} ${provider}/${group}`
    : `${notice.event} ${provider}/${group}/${notice.finding.member}`;
}
