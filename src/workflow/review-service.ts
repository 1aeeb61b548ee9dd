/**
 * Access reviews, carried out: a review is asked for (the command line, the policy's schedule), started
 * at the leader's tick by listing the group's current members through the provider port — granted by the
 * bot or not — and asking each reviewer about the members they may decide; each Keep / Remove is checked
 * here with fresh facts (only the group's reviewers, once per member, before the deadline); reviewers with
 * members left are reminded; at the deadline the review closes and what nobody decided is reported to the
 * admins, never removed.
 *
 * A removal is a `group.remove` request, approved as the reviewer decided and fixed on the member as the
 * provider listed it: the executor carries it out as it does a revoke (durable, leased, read back). The
 * review is written first with the id of that request, and the request is created from it — right after,
 * and again at every tick until it exists — so a crash in between loses no removal and makes none twice.
 */
import type { AuditRecord } from '../domain/audit-event.ts';
import { failure, WorkflowFailure } from '../domain/errors.ts';
import { formatRef } from '../domain/ids.ts';
import type { ReviewEventName, ReviewNotice } from '../domain/notice.ts';
import { findItem, principalFor, type Policy, type ReviewPolicy } from '../domain/policy.ts';
import type { Request } from '../domain/request.ts';
import {
  isReviewOpen,
  newReview,
  pendingFor,
  reviewCounts,
  reviewTransition,
  undecided,
  type Review,
  type ReviewEvent,
  type ReviewMember,
  type Verdict,
} from '../domain/review.ts';
import type { Logger } from '../log.ts';
import { IamBotError } from '../shared/errors.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { Executor } from './executor.ts';
import type { People } from './people.ts';
import {
  ProviderError,
  StoreConflictError,
  type Clock,
  type Directory,
  type Provider,
  type ProviderRegistry,
  type Store,
} from './ports.ts';
import type { Recorder } from './recorder.ts';

/** A review asked for from outside the bot's process (the command line on the embedded store). */
export interface ReviewAsk {
  /** The id the review gets: asking twice with the same id makes one review. */
  id: string;
  itemId: string;
  requestedBy: string;
  at: number;
}

/** Where the command line leaves reviews it asks for while the bot holds the store; read at the leader's tick. */
export interface ReviewRequests {
  pending(): Promise<ReviewAsk[]>;
  /** The ask was taken (a review exists with its id) or refused: it goes. */
  done(id: string): Promise<void>;
}

interface ReviewDeps {
  policy: Policy;
  store: Store;
  providers: ProviderRegistry;
  people: People;
  directory: Directory;
  recorder: Recorder;
  dispatcher: Dispatcher;
  executor: Executor;
  clock: Clock;
  newId: () => string;
  log: Logger;
  /** Absent: reviews are asked for through the store only (PostgreSQL, tests). */
  requests?: ReviewRequests;
}

/** What a decision did. */
interface Decided {
  review: Review;
  member: ReviewMember;
}

const MAX_RACE_RETRIES = 5;

/** Provider errors a later tick may not meet: the review stays requested and is started then. */
const TRANSIENT: ReadonlySet<string> = new Set(['rate_limited', 'unavailable', 'internal']);

export class ReviewService {
  constructor(private readonly deps: ReviewDeps) {}

  /** The policy's review of an item, or a refusal naming the items that have one. */
  policyOf(itemId: string): ReviewPolicy {
    const found = this.deps.policy.reviews?.find((r) => r.itemId === itemId);
    if (found) return found;
    const known = (this.deps.policy.reviews ?? []).map((r) => r.itemId);
    throw new WorkflowFailure(
      failure(
        'not_found',
        `The policy's reviews: section has no review of "${itemId}" (${known.length > 0 ? `reviewed items: ${known.join(', ')}` : 'it reviews no item'}).`,
      ),
    );
  }

  /**
   * Asks for a review of `itemId`: recorded now as requested, started by the leader's next tick. Refused
   * while a review of the item is still open (one at a time, so no member is asked about twice).
   */
  async request(itemId: string, requestedBy: string, id: string = this.deps.newId()): Promise<Review> {
    const reviewPolicy = this.policyOf(itemId);
    const item = findItem(this.deps.policy, itemId);
    if (!item?.group) throw new WorkflowFailure(failure('not_found', `"${itemId}" grants no group to review.`));
    const open = (await this.deps.store.reviews.open()).find((r) => r.itemId === itemId);
    if (open)
      throw new WorkflowFailure(
        failure('conflict', `${open.ref} of ${itemId} is still ${open.status.state}: one review of an item at a time.`),
      );
    const review = newReview({
      id,
      itemId,
      provider: item.provider,
      group: item.group,
      reviewerSet: reviewPolicy.reviewers,
      requestedBy,
      now: this.deps.clock.now(),
    });
    await this.#save(null, review, 'review.requested', requestedBy, {
      item: itemId,
      provider: item.provider,
      group: item.group,
      reviewers: reviewPolicy.reviewers,
    });
    return review;
  }

  async get(id: string): Promise<Review> {
    const review = await this.deps.store.reviews.get(id);
    if (!review) throw new WorkflowFailure(failure('not_found', `There is no access review ${id}.`));
    return review;
  }

  /**
   * `actor` keeps or removes the member at `index` of the review (what the button carries). Checked here:
   * the review is open and before its deadline, the actor is one of its reviewers now and not the member,
   * and nobody decided on the member yet; otherwise nothing changes and the refusal says why.
   */
  async decide(actor: string, reviewId: string, index: number, verdict: Verdict): Promise<Decided> {
    for (let attempt = 0; attempt < MAX_RACE_RETRIES; attempt++) {
      const review = await this.get(reviewId);
      const member = review.members[index];
      if (!member) throw new WorkflowFailure(failure('not_found', `${review.ref} has no such member.`));
      const removalId = verdict === 'remove' ? this.deps.newId() : undefined;
      const event: ReviewEvent = {
        type: 'decide',
        actor,
        memberId: member.id,
        verdict,
        stillReviewer: await this.#isReviewer(review, actor),
        ...(removalId !== undefined ? { removalId } : {}),
      };
      const next = reviewTransition(review, event, this.deps.clock.now());
      if (!next.ok) throw new WorkflowFailure(next.error);
      try {
        await this.#save(
          review,
          next.value,
          'review.decided',
          actor,
          {
            member: member.id,
            memberName: member.name,
            verdict,
            ...(removalId !== undefined ? { removalRequestId: removalId } : {}),
          },
          { memberId: member.id },
        );
      } catch (error) {
        if (error instanceof StoreConflictError) continue;
        throw error;
      }
      const decided = next.value.members.find((m) => m.id === member.id) ?? member;
      if (decided.removal) await this.#ensureRemoval(next.value, decided);
      return { review: next.value, member: decided };
    }
    throw new WorkflowFailure(failure('conflict', 'The review kept changing while you decided; click again.'));
  }

  /**
   * What time does to reviews, on the leader: asks left by the command line are taken, the policy's
   * schedule starts what is due, requested reviews start, removals decided are made requests (if a crash
   * kept one from it), reminders go out, and reviews at their deadline close.
   */
  async tick(): Promise<void> {
    await this.#takeAsks();
    await this.#schedule();
    for (const review of await this.deps.store.reviews.open()) {
      try {
        await this.#advance(review);
      } catch (error) {
        if (error instanceof StoreConflictError) continue; // moved meanwhile: the next tick sees it as it is
        this.deps.log.error(
          { err: error, review: review.ref },
          'an access review could not move on; next tick retries',
        );
      }
    }
  }

  async #advance(review: Review): Promise<void> {
    const now = this.deps.clock.now();
    const s = review.status;
    if (s.state === 'requested') return this.#start(review);
    if (s.state !== 'open') return;
    for (const member of review.members) if (member.removal) await this.#ensureRemoval(review, member);
    if (now >= s.deadline) return this.#close(review);
    const remindAfterMs =
      this.deps.policy.reviews?.find((r) => r.itemId === review.itemId)?.remindAfterMs ??
      Math.floor((s.deadline - s.startedAt) / 2);
    if (s.remindedAt !== undefined || now < s.startedAt + remindAfterMs) return;
    const people = review.reviewers.filter((r) => pendingFor(review, r).length > 0);
    if (people.length === 0) return;
    await this.#apply(review, { type: 'remind' }, 'review.reminded', { reminded: people }, { people });
  }

  async #start(review: Review): Promise<void> {
    const reviewPolicy = this.deps.policy.reviews?.find((r) => r.itemId === review.itemId);
    let event: ReviewEvent;
    try {
      if (!reviewPolicy) throw new Problem(`the policy no longer reviews ${review.itemId}`);
      const provider = this.deps.providers.get(review.provider);
      if (!provider) throw new Problem(`provider ${review.provider} is not configured`);
      if (!provider.groups) throw new Problem(`${review.provider} cannot list group members (${provider.type})`);
      const listed = await provider.groups.listMembers(review.group);
      const reviewers = await this.#reviewersOf(reviewPolicy.reviewers);
      if (reviewers.length === 0) throw new Problem(`the set ${reviewPolicy.reviewers} has no active member to review`);
      const accounts = new Map<string, string | undefined>();
      for (const reviewer of reviewers) accounts.set(reviewer, await this.#accountOf(reviewer, provider));
      const members: ReviewMember[] = listed.map((m) => ({
        id: m.id,
        name: m.name,
        // Nobody decides on their own membership.
        reviewers: reviewers.filter((r) => accounts.get(r) !== m.id),
      }));
      event = { type: 'start', members, reviewers, deadline: this.deps.clock.now() + reviewPolicy.deadlineMs };
    } catch (error) {
      if (error instanceof ProviderError && TRANSIENT.has(error.kind)) {
        this.deps.log.warn({ err: error, review: review.ref }, 'access review not started yet: the provider failed');
        return;
      }
      if (!(error instanceof Problem) && !(error instanceof ProviderError))
        this.deps.log.error({ err: error, review: review.ref }, 'an access review could not start');
      event = { type: 'fail', problem: problemOf(error) };
    }
    if (event.type === 'fail') {
      await this.#apply(review, event, 'review.failed', { problem: event.problem });
      return;
    }
    const deadline = new Date(event.deadline).toISOString();
    await this.#apply(review, event, 'review.started', {
      members: event.members.length,
      reviewers: event.reviewers,
      deadline,
    });
  }

  async #close(review: Review): Promise<void> {
    const left = undecided(review);
    const counts = reviewCounts(review);
    const admins = left.length > 0 ? await this.deps.people.adminsList() : [];
    await this.#apply(
      review,
      { type: 'close' },
      'review.closed',
      {
        kept: counts.kept,
        removed: counts.removed,
        undecided: counts.undecided,
        // Left in the group as they were: named, so the admins can look at them.
        undecidedMembers: left.map((m) => ({ id: m.id, name: m.name })),
      },
      { people: admins },
    );
  }

  /** Starts reviews the policy's schedule says are due: none of the item open, the last begun `every` ago (or none yet). */
  async #schedule(): Promise<void> {
    const scheduled = (this.deps.policy.reviews ?? []).filter((r) => r.everyMs !== undefined);
    if (scheduled.length === 0) return;
    const all = await this.deps.store.reviews.list();
    const now = this.deps.clock.now();
    for (const rp of scheduled) {
      const mine = all.filter((r) => r.itemId === rp.itemId);
      if (mine.some(isReviewOpen)) continue;
      const last = mine.at(-1);
      if (last && now < last.createdAt + (rp.everyMs ?? Infinity)) continue;
      try {
        await this.request(rp.itemId, 'schedule');
      } catch (error) {
        this.deps.log.error({ err: error, item: rp.itemId }, 'a scheduled access review could not be asked for');
      }
    }
  }

  async #takeAsks(): Promise<void> {
    const inbox = this.deps.requests;
    if (!inbox) return;
    for (const ask of await inbox.pending()) {
      if (!(await this.deps.store.reviews.get(ask.id))) {
        try {
          await this.request(ask.itemId, ask.requestedBy, ask.id);
        } catch (error) {
          if (!(error instanceof WorkflowFailure)) throw error;
          this.deps.log.warn(
            { item: ask.itemId, requestedBy: ask.requestedBy, problem: error.message },
            'an access review asked for from the command line was refused',
          );
        }
      }
      await inbox.done(ask.id);
    }
  }

  /** The request that carries out a removal, created if it does not exist yet (its id was fixed with the decision). */
  async #ensureRemoval(review: Review, member: ReviewMember): Promise<void> {
    const { removal, decision } = member;
    if (!removal || !decision) return;
    const { store, clock, recorder, executor } = this.deps;
    if (await store.get(removal.requestId)) return;
    const number = await store.reserveNumber();
    const now = clock.now();
    const request: Request = {
      id: removal.requestId,
      number,
      ref: formatRef(number),
      version: 1,
      itemId: review.itemId,
      provider: review.provider,
      operation: { kind: 'group.remove', group: review.group },
      requester: decision.by,
      reason: `Access review ${review.ref}: ${member.name} should no longer be in ${review.group}.`,
      createdAt: now,
      updatedAt: now,
      target: { principal: member.name, rule: 'listed', id: member.id },
      stages: [],
      approvals: [],
      status: { state: 'approved', at: now },
    };
    try {
      await recorder.commit(null, request, [
        {
          event: 'request.approved',
          actor: decision.by,
          details: {
            item: review.itemId,
            kind: 'group.remove',
            provider: review.provider,
            group: review.group,
            target: request.target,
            review: review.ref,
            reviewId: review.id,
          },
        },
      ]);
    } catch (error) {
      // Made meanwhile (another tick, the click's own follow-up): it exists, which is all that was wanted.
      if (!(error instanceof StoreConflictError)) throw error;
    }
    executor.kick();
  }

  async #isReviewer(review: Review, actor: string): Promise<boolean> {
    const setName = this.deps.policy.reviews?.find((r) => r.itemId === review.itemId)?.reviewers ?? review.reviewerSet;
    const set = this.deps.policy.sets[setName];
    if (!set || !(await this.deps.people.inSet({ ...set, manager: false }, actor, actor, true))) return false;
    return (await this.deps.directory.isActive?.(actor)) ?? true;
  }

  /** The set's people now: its users and user groups (a review has no requester, so no manager), the inactive left out. */
  async #reviewersOf(setName: string): Promise<string[]> {
    const people: string[] = [];
    for (const person of await this.deps.people.membersFor(setName, '')) {
      if ((await this.deps.directory.isActive?.(person)) ?? true) people.push(person);
    }
    return people;
  }

  /** The reviewer's own account on the provider, if they have one: they never decide on it. */
  async #accountOf(reviewer: string, provider: Provider): Promise<string | undefined> {
    const { people, policy } = this.deps;
    const principal = principalFor(
      policy.identity,
      provider.id,
      reviewer,
      await people.emailOf(reviewer),
      await people.standingOf(reviewer),
    );
    if (!principal.ok) return undefined;
    try {
      return (await provider.resolvePrincipal(principal.principal)).id;
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'not_found') return undefined;
      throw error;
    }
  }

  async #apply(
    review: Review,
    event: ReviewEvent,
    name: ReviewEventName,
    details: Record<string, unknown>,
    extra: { memberId?: string; people?: readonly string[] } = {},
  ): Promise<void> {
    const next = reviewTransition(review, event, this.deps.clock.now());
    if (!next.ok) return;
    await this.#save(review, next.value, name, 'system', details, extra);
  }

  /** One change: the review (compare-and-set), its audit event and its notice, in one store write. */
  async #save(
    before: Review | null,
    after: Review,
    event: ReviewEventName | 'review.requested',
    actor: string,
    details: Record<string, unknown>,
    extra: { memberId?: string; people?: readonly string[] } = {},
  ): Promise<void> {
    const { store, clock, newId, recorder, dispatcher } = this.deps;
    const id = newId();
    const time = clock.now();
    const record: AuditRecord = {
      eventId: id,
      time,
      actor,
      event,
      details: { review: after.ref, reviewId: after.id, item: after.itemId, ...details, ...(await this.#who(actor)) },
    };
    // Asking is not news for anyone in Slack: the start is.
    const notices: ReviewNotice[] =
      event === 'review.requested' ? [] : [{ id, event, review: after, actor, at: time, ...extra }];
    await store.reviews.save({ review: after, expectedVersion: before?.version ?? null, audit: [record], notices });
    this.deps.log.info({ review: after.ref, state: after.status.state, event }, 'access review updated');
    await recorder.flushAudit();
    dispatcher.kick();
  }

  /** The actor's name and email now, as the request audit events record them (a Slack id only; best effort). */
  async #who(actor: string): Promise<Record<string, string>> {
    if (!/^[UW][A-Z0-9_]+$/.test(actor)) return {};
    try {
      const [name, email] = await Promise.all([
        this.deps.directory.nameOf?.(actor),
        this.deps.directory.emailOf(actor),
      ]);
      return { ...(name ? { actorName: name } : {}), ...(email ? { actorEmail: email } : {}) };
    } catch {
      return {};
    }
  }
}

/** Why a review could not start, for people: its own words, a provider's kind and message. */
class Problem extends IamBotError<'review_not_started'> {
  constructor(message: string) {
    super('review_not_started', message);
  }
}

function problemOf(error: unknown): string {
  if (error instanceof Problem) return error.message;
  if (error instanceof ProviderError) return `${error.kind}: ${error.message}`;
  return 'an unexpected error (details in the bot log)';
}
