/**
 * Break-glass (README, "Break-glass"): a person who declares an emergency gets an item's group access at
 * once, through the same durable executor as an approved grant, within a per-person rate limit counted in
 * the store's `uses` section; the item's reviewers then confirm or flag it. The leader's tick reminds them
 * halfway to the deadline and tells the admins at the deadline; a flag tells the admins at once. Every
 * decision is re-read and re-checked here with fresh facts, and committed with compare-and-set.
 */
import { failure, WorkflowFailure, type WorkflowError } from '../domain/errors.ts';
import { formatDuration } from '../domain/duration.ts';
import type { CatalogItem, Policy } from '../domain/policy.ts';
import type { Request } from '../domain/request.ts';
import {
  checkBreakGlass,
  submitBreakGlass,
  transition,
  type RequestEvent,
  type SubmitInput,
} from '../domain/transitions.ts';
import type { Executor } from './executor.ts';
import type { People } from './people.ts';
import { StoreConflictError, type Clock, type Store } from './ports.ts';
import type { Recorded, Recorder } from './recorder.ts';

const MAX_RACE_RETRIES = 5;

/** The key one person's emergencies on one item are counted under, in the store's `uses` section. */
export function breakGlassUseKey(item: CatalogItem, person: string): string {
  return `break-glass:${item.id}:${person}`;
}

/** When the reviewers are reminded: halfway from the emergency to its review deadline. */
function reviewReminderAt(request: Request): number | undefined {
  const bg = request.breakGlass;
  return bg ? bg.reviewBy - Math.floor((bg.reviewBy - request.createdAt) / 2) : undefined;
}

export type Verdict = { verdict: 'confirm' } | { verdict: 'flag'; reason: string };

/** What the service resolved for a submission before it knew it was an emergency. */
type EmergencyInput = Omit<SubmitInput, 'id' | 'number' | 'now'>;

export class BreakGlassDesk {
  constructor(
    private readonly policy: Policy,
    private readonly store: Store,
    private readonly people: People,
    private readonly recorder: Recorder,
    private readonly executor: Executor,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  /**
   * An emergency, carried out at once. Refused — before it takes a number or a use — when the item does
   * not allow it, the reason is missing, the duration is over the cap, the requester may not request the
   * item, or nobody but the requester could review it; refused when this person's uses are spent.
   * `takeSubmission` takes one of the policy's submissions per person (it throws when they are spent).
   */
  async submit(input: EmergencyInput, takeSubmission: () => Promise<void>): Promise<Request> {
    const now = this.clock.now();
    const checked = checkBreakGlass(input);
    if (!checked.ok) throw new WorkflowFailure(checked.error);
    const { item, durationMs } = checked.value;
    if (!input.requesterAllowed)
      throw new WorkflowFailure(failure('not_allowed', `You may not request ${item.title}.`, 'not_a_requester'));
    const reviewers = await this.#activeReviewers(item.breakGlass.reviewers, input.requester);
    if (reviewers.length === 0)
      throw new WorkflowFailure({
        ...failure(
          'not_allowed',
          `Nobody but you could review a break-glass use of ${item.title} (${item.breakGlass.reviewers} has no other active member), so it is not available. Ask through the approvers, or ask your IAM admins to fix the policy.`,
          'no_break_glass',
        ),
        field: 'item',
      });
    await takeSubmission();
    const { uses, perMs } = item.breakGlass.limit;
    const key = breakGlassUseKey(item, input.requester);
    const usesBefore = await this.store.uses.count(key, now, perMs);
    // Taken last, so a refused emergency spends no use.
    if (!(await this.store.uses.take(key, now, { count: uses, windowMs: perMs })))
      throw new WorkflowFailure(
        failure(
          'rate_limited',
          `You already used break-glass on ${item.title} ${uses} time${uses === 1 ? '' : 's'} in the last ${formatDuration(perMs)}, the most allowed. Nothing was done: ask through the approvers (/iam without Emergency), or call an IAM admin.`,
        ),
      );
    const created = submitBreakGlass({
      ...input,
      durationMs,
      id: this.newId(),
      number: await this.store.reserveNumber(),
      now,
    });
    if (!created.ok) throw new WorkflowFailure(created.error);
    const request = created.value;
    const details: Record<string, unknown> = {
      item: item.id,
      kind: item.kind,
      provider: item.provider,
      reason: request.reason,
      durationMs,
      reviewers: item.breakGlass.reviewers,
      reviewBy: new Date(item.breakGlass.reviewWithinMs + now).toISOString(),
      use: usesBefore + 1,
      rateLimit: { uses, perMs },
    };
    if (request.target) details.target = request.target;
    if (request.operation.kind === 'group.add') details.group = request.operation.group;
    const recorded: Recorded[] = [
      {
        event: 'request.break_glass',
        actor: input.requester,
        details,
        approvers: reviewers,
        admins: await this.people.adminsList(),
      },
    ];
    try {
      await this.recorder.commit(null, request, recorded);
    } catch (error) {
      // The same form reached another replica, which made its request first: that request is the answer.
      const earlier =
        error instanceof StoreConflictError && input.submissionKey
          ? await this.store.findSubmission(input.requester, input.submissionKey)
          : undefined;
      if (earlier) return earlier;
      throw error;
    }
    this.executor.kick();
    return request;
  }

  /**
   * A reviewer confirms or flags an emergency: only a member of its reviewers' set as of now (asked
   * fresh), never its requester, once. A flag tells the admins at once.
   */
  async review(actor: string, request: () => Promise<Request>, verdict: Verdict): Promise<Request> {
    for (let attempt = 0; attempt < MAX_RACE_RETRIES; attempt++) {
      const before = await request();
      const event = await this.#reviewEvent(actor, before, verdict);
      const next = transition(before, event, this.clock.now());
      if (!next.ok) throw new WorkflowFailure(next.error);
      const set = before.breakGlass?.reviewers;
      const recorded: Recorded[] =
        verdict.verdict === 'confirm'
          ? [{ event: 'break_glass.confirmed', actor, details: { reviewers: set } }]
          : [
              {
                event: 'break_glass.flagged',
                actor,
                details: { reviewers: set, reason: verdict.reason.trim() },
                admins: await this.people.adminsList(),
              },
            ];
      try {
        await this.recorder.commit(before, next.value, recorded);
      } catch (error) {
        if (error instanceof StoreConflictError) continue;
        throw error;
      }
      return next.value;
    }
    throw new WorkflowFailure(
      failure('conflict', 'The request kept changing while you reviewed it; look at it again and retry.'),
    );
  }

  /** Why a review click would change nothing now (already reviewed, not a reviewer, the requester), or undefined. */
  async staleReview(actor: string, request: Request): Promise<WorkflowError | undefined> {
    const tried = transition(
      request,
      await this.#reviewEvent(actor, request, { verdict: 'flag', reason: 'stale-click check' }),
      this.clock.now(),
    );
    return tried.ok ? undefined : tried.error;
  }

  /** What time does to emergencies: a reminder halfway to the deadline, the admins told at it. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    for (const request of await this.store.openRequests()) {
      const bg = request.breakGlass;
      if (bg?.review.state !== 'awaiting') continue;
      if (now >= bg.reviewBy && bg.review.escalatedAt === undefined)
        await this.#apply(request, { type: 'escalateReview' }, [
          {
            event: 'break_glass.escalated',
            actor: 'system',
            details: { reviewers: bg.reviewers, reviewBy: new Date(bg.reviewBy).toISOString() },
            admins: await this.people.adminsList(),
          },
        ]);
      else if (
        now < bg.reviewBy &&
        now >= (reviewReminderAt(request) ?? Infinity) &&
        bg.review.remindedAt === undefined
      )
        await this.#apply(request, { type: 'remindReview' }, [
          {
            event: 'break_glass.reminded',
            actor: 'system',
            details: { reviewers: bg.reviewers },
            approvers: await this.#activeReviewers(bg.reviewers, request.requester),
          },
        ]);
    }
  }

  async #apply(request: Request, event: RequestEvent, recorded: Recorded[]): Promise<void> {
    const next = transition(request, event, this.clock.now());
    if (!next.ok) return;
    try {
      await this.recorder.commit(request, next.value, recorded);
    } catch (error) {
      // Someone else moved it first; the next tick sees the new state.
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }

  async #reviewEvent(actor: string, request: Request, verdict: Verdict): Promise<RequestEvent> {
    const set = request.breakGlass ? this.policy.sets[request.breakGlass.reviewers] : undefined;
    const eligible = actor !== request.requester && (await this.people.inSet(set, actor, request.requester));
    return { type: 'review', actor, eligible, ...verdict };
  }

  /** The reviewers who could act: the set's members as of now, the requester and inactive accounts left out. */
  async #activeReviewers(set: string, requester: string): Promise<string[]> {
    const people: string[] = [];
    for (const person of await this.people.membersFor(set, requester))
      if (await this.people.isActive(person)) people.push(person);
    return people;
  }
}
