/**
 * Access reviews: the reviewers of a catalog item's group say, member by member, whether each current
 * member (granted by the bot or not) keeps their place. Pure like transitions.ts: every change is a
 * function of (review, event, now) returning the next review (version + 1) or a typed refusal; facts that
 * need I/O (is the person still a reviewer) are resolved by the caller and passed in.
 *
 * A decision to remove becomes a `group.remove` request carried out by the executor, the same durable,
 * read-back path as a revoke; the review only records which request it became. What nobody decided by
 * the deadline is reported when the review closes, and never removed.
 */
import { failure, type WorkflowError } from './errors.ts';
import { err, ok, type Result } from './result.ts';
import { IamBotError } from '../shared/errors.ts';

export type Verdict = 'keep' | 'remove';

/** One member of the reviewed group, as the provider listed it when the review started. */
export interface ReviewMember {
  /** The provider's id for the principal (what `isMember`/`removeMember` act on). */
  id: string;
  name: string;
  /** The Slack users who may decide on this member: the reviewers, less anyone who is this member. */
  reviewers: readonly string[];
  decision?: { verdict: Verdict; by: string; at: number };
  /** A removal: the `group.remove` request that carries it out (its id, fixed with the decision). */
  removal?: { requestId: string };
}

type ReviewStatus =
  /** Asked for (from the command line, or due by the policy's schedule): the bot lists the group and starts it. */
  | { state: 'requested' }
  | { state: 'open'; startedAt: number; deadline: number; remindedAt?: number }
  | { state: 'closed'; startedAt: number; deadline: number; at: number }
  /** The group could not be listed (the provider cannot, or failed): nobody was asked, nothing changed. */
  | { state: 'failed'; at: number; problem: string };

export type ReviewState = ReviewStatus['state'];

export interface Review {
  id: string;
  /** `RV-` and the id's first 8 characters: short enough to type, unique in practice. */
  ref: string;
  version: number;
  itemId: string;
  provider: string;
  group: string;
  /** The policy's set of reviewers, as named when it was requested. */
  reviewerSet: string;
  /** Who asked: a Slack user or the OS user of the command line, or `schedule`. */
  requestedBy: string;
  createdAt: number;
  updatedAt: number;
  /** Everyone asked (the set's members when it started), in the order they are messaged. */
  reviewers: readonly string[];
  members: readonly ReviewMember[];
  status: ReviewStatus;
}

export type ReviewEvent =
  | { type: 'start'; members: readonly ReviewMember[]; reviewers: readonly string[]; deadline: number }
  | { type: 'fail'; problem: string }
  | {
      type: 'decide';
      actor: string;
      memberId: string;
      verdict: Verdict;
      /** Whether `actor` is in the reviewer set right now (resolved by the caller, fresh). */
      stillReviewer: boolean;
      /** For a removal: the id of the request that will carry it out. */
      removalId?: string;
    }
  | { type: 'remind' }
  | { type: 'close' };

export function reviewRef(id: string): string {
  return `RV-${id.replace(/-/g, '').slice(0, 8)}`;
}

export function isReviewOpen(review: Review): boolean {
  return review.status.state === 'requested' || review.status.state === 'open';
}

export function newReview(input: {
  id: string;
  itemId: string;
  provider: string;
  group: string;
  reviewerSet: string;
  requestedBy: string;
  now: number;
}): Review {
  const { now, ...rest } = input;
  return {
    ...rest,
    ref: reviewRef(input.id),
    version: 1,
    createdAt: now,
    updatedAt: now,
    reviewers: [],
    members: [],
    status: { state: 'requested' },
  };
}

export function reviewTransition(review: Review, event: ReviewEvent, now: number): Result<Review, WorkflowError> {
  const s = review.status;
  const next = (changes: Partial<Review>): Result<Review, WorkflowError> =>
    ok({ ...review, ...changes, version: review.version + 1, updatedAt: now });
  switch (event.type) {
    case 'start':
      if (s.state !== 'requested') return err(notOpen(review));
      return next({
        members: event.members,
        reviewers: event.reviewers,
        status: { state: 'open', startedAt: now, deadline: event.deadline },
      });
    case 'fail':
      if (s.state !== 'requested') return err(notOpen(review));
      return next({ status: { state: 'failed', at: now, problem: event.problem } });
    case 'remind':
      if (s.state !== 'open' || s.remindedAt !== undefined) return err(notOpen(review));
      return next({ status: { ...s, remindedAt: now } });
    case 'close':
      if (s.state !== 'open') return err(notOpen(review));
      return next({ status: { state: 'closed', startedAt: s.startedAt, deadline: s.deadline, at: now } });
    case 'decide': {
      if (s.state !== 'open' || now >= s.deadline) return err(notOpen(review));
      const member = review.members.find((m) => m.id === event.memberId);
      if (!member) return err(failure('not_found', `${review.ref} has no member ${event.memberId}.`));
      if (member.decision)
        return err(
          failure(
            'already_decided',
            `${member.name} was already decided in ${review.ref}: ${member.decision.verdict} (by <@${member.decision.by}>). One decision counts.`,
          ),
        );
      if (!review.reviewers.includes(event.actor) || !event.stillReviewer)
        return err(failure('not_allowed', `You are not a reviewer of ${review.ref}.`, 'not_an_approver'));
      if (!member.reviewers.includes(event.actor))
        return err(
          failure(
            'not_allowed',
            `${member.name} is you, on ${review.provider}: another reviewer decides on your own membership.`,
            'self_approval',
          ),
        );
      if (event.verdict === 'remove' && event.removalId === undefined)
        throw new IamBotError('internal', 'a removal needs the id of the request that carries it out');
      const decided: ReviewMember = {
        ...member,
        decision: { verdict: event.verdict, by: event.actor, at: now },
        ...(event.verdict === 'remove' ? { removal: { requestId: event.removalId! } } : {}),
      };
      return next({ members: review.members.map((m) => (m.id === member.id ? decided : m)) });
    }
  }
}

function notOpen(review: Review): WorkflowError {
  const s = review.status;
  const why =
    s.state === 'closed'
      ? 'it closed at its deadline'
      : s.state === 'failed'
        ? 'it could not start'
        : s.state === 'requested'
          ? 'it has not started yet'
          : 'its deadline has passed';
  return failure('already_decided', `${review.ref} takes no decision now: ${why}.`);
}

/** Members nobody decided on: reported when the review closes, never removed. */
export function undecided(review: Review): ReviewMember[] {
  return review.members.filter((m) => m.decision === undefined);
}

/** The members `reviewer` may still decide on. */
export function pendingFor(review: Review, reviewer: string): ReviewMember[] {
  return review.members.filter((m) => m.decision === undefined && m.reviewers.includes(reviewer));
}

interface ReviewCounts {
  members: number;
  kept: number;
  removed: number;
  undecided: number;
}

export function reviewCounts(review: Review): ReviewCounts {
  const count = (v: Verdict) => review.members.filter((m) => m.decision?.verdict === v).length;
  return {
    members: review.members.length,
    kept: count('keep'),
    removed: count('remove'),
    undecided: undecided(review).length,
  };
}
