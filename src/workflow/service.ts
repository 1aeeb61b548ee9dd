/**
 * The workflow service: what people do to requests (submit, approve, deny, cancel, retry), what time
 * does to them (tick), and what they may see. Each command re-reads the request, decides with fresh
 * facts, and commits with compare-and-set; a lost race is retried from the new version, so two
 * simultaneous clicks give one transition.
 */
import type { WorkflowError } from '../domain/errors.ts';
import { failure, invalidField, WorkflowFailure } from '../domain/errors.ts';
import { formatDuration, parseDuration } from '../domain/duration.ts';
import { SubmissionLimit } from './submission-limit.ts';
import { Serial } from '../shared/serial.ts';
import { parseRef } from '../domain/ids.ts';
import { findItem, targetFor, type AutoApproveRule, type CatalogItem, type Policy } from '../domain/policy.ts';
import { judgeRule, ruleUseKey } from '../domain/auto-approval.ts';
import { isClosed, type Request } from '../domain/request.ts';
import {
  admit,
  checkBreakGlass,
  checkSubmission,
  submit,
  transition,
  type RequestEvent,
} from '../domain/transitions.ts';
import { BreakGlassDesk, type Verdict } from './break-glass.ts';
import {
  CAPABILITY_OF_KIND,
  type Provider,
  type ProviderRegistry,
  type Store,
  StoreConflictError,
  type Clock,
  type SecretVault,
} from './ports.ts';
import type { Executor } from './executor.ts';
import type { People } from './people.ts';
import type { Secret } from '../domain/secret.ts';
import type { Recorded, Recorder } from './recorder.ts';
import { byLongestWait, waitingOf, type Waiting } from './waiting.ts';
import { autoApprovedDetails, recordedFor, submittedDetails, type RuleVerdictRecord } from './audit-mapping.ts';
import { escalationSetOf, runTick } from './tick.ts';

interface SubmitCommand {
  requester: string;
  itemId: string;
  reason: string;
  /** As typed: `30m`, `8h`, `2d`. */
  duration?: string;
  /** The form it came from: submitting the same form twice returns the first request. */
  submissionKey?: string;
  /** An extension: the id of the active grant whose end it moves. */
  extends?: string;
  /** An emergency: carried out at once, reviewed after (the item must allow it; see break-glass.ts). */
  breakGlass?: boolean;
}

const MAX_RACE_RETRIES = 5;

function capOf(rule: AutoApproveRule): { count: number; windowMs: number } {
  return { count: rule.cap.uses, windowMs: rule.cap.perMs };
}
const MAX_DURATION_TEXT = 32;

export class WorkflowService {
  readonly #limit: SubmissionLimit;
  readonly #submissions = new Serial();
  readonly #breakGlass: BreakGlassDesk;

  constructor(
    private readonly policy: Policy,
    private readonly store: Store,
    private readonly providers: ProviderRegistry,
    private readonly people: People,
    private readonly recorder: Recorder,
    private readonly executor: Executor,
    private readonly clock: Clock,
    private readonly newId: () => string,
    private readonly vault: SecretVault,
    /** How long the key owner has to confirm a revealed key is in use before the old keys go anyway. */
    private readonly confirmWithinMs: number,
  ) {
    this.#limit = new SubmissionLimit(policy.requests.submissionLimit);
    this.#breakGlass = new BreakGlassDesk(policy, store, people, recorder, executor, clock, newId);
  }

  /** Submissions run one at a time: the double-submission and rate checks must see each other's results. */
  submit(command: SubmitCommand): Promise<Request> {
    return this.#submissions.run(() => this.#submit(command));
  }

  async #submit(command: SubmitCommand): Promise<Request> {
    if (command.submissionKey) {
      // Closed requests count too: a form replayed after its request ended must not start a new one.
      const earlier = await this.store.findSubmission(command.requester, command.submissionKey);
      if (earlier) return earlier;
    }
    const now = this.clock.now();
    const { item, durationMs } = this.#checked(command, now);
    const requesterAllowed = await this.people.mayRequest(item, command.requester);
    // Fixed now, shown to the approvers, and the account the executor acts on.
    const target = item.principal
      ? targetFor(this.policy.identity, item, command.requester, undefined)
      : targetFor(
          this.policy.identity,
          item,
          command.requester,
          await this.people.emailOf(command.requester),
          await this.people.standingOf(command.requester),
        );
    if (requesterAllowed && !target.ok)
      throw new WorkflowFailure(failure('not_allowed', target.message, 'no_provider_account'));
    const fixedTarget = target.ok
      ? {
          target: {
            principal: target.principal,
            rule: target.rule,
            ...(target.email ? { email: target.email } : {}),
          },
        }
      : {};
    if (command.breakGlass) {
      const request = await this.#breakGlass.submit(
        {
          item,
          requester: command.requester,
          requesterAllowed,
          reason: command.reason,
          settings: this.policy.requests,
          ...(durationMs !== undefined ? { durationMs } : {}),
          ...fixedTarget,
          ...(command.submissionKey ? { submissionKey: command.submissionKey } : {}),
        },
        async () => {
          if (!(await this.store.submissions.take(command.requester, now, this.policy.requests.submissionLimit)))
            throw this.#rateLimited();
        },
      );
      this.#limit.record(command.requester, now);
      return request;
    }
    const submission = {
      item,
      requesterAllowed,
      reason: command.reason,
      settings: this.policy.requests,
      ...(durationMs !== undefined ? { durationMs } : {}),
      ...(command.extends ? { extends: command.extends } : {}),
    };
    const admitted = admit(submission);
    if (!admitted.ok) throw new WorkflowFailure(admitted.error);
    // The store's counters decide, shared by every replica; this process's own count only answers forms at once.
    if (!(await this.store.submissions.take(command.requester, now, this.policy.requests.submissionLimit)))
      throw this.#rateLimited();
    // The duration a rule judges is the one the request gets: the item's default when none was typed.
    const effectiveMs = admitted.value.kind === 'group.add' ? admitted.value.durationMs : undefined;
    const judged = await this.#judgeRules(item, command.requester, effectiveMs, now);
    let rule = judged.rule;
    // A request nobody could approve would only wait for its expiry: refused before it takes a number.
    // The stages a rule passes need nobody.
    await this.#refuseUnapprovable(item, command.requester, rule ? 1 : 0);
    // The cap is taken last, so a refused submission spends no use; a use another replica took first sends the request to people.
    if (rule && !(await this.store.uses.take(ruleUseKey(item, rule, command.requester), now, capOf(rule)))) {
      judged.verdicts.push({ rule: rule.name, applied: false, why: 'its cap was reached meanwhile' });
      rule = undefined;
      await this.#refuseUnapprovable(item, command.requester, 0);
    }
    // Only an accepted submission takes a number: a refused form must not leave a gap in the sequence.
    const created = submit({
      ...submission,
      id: this.newId(),
      number: await this.store.reserveNumber(),
      requester: command.requester,
      ...fixedTarget,
      now,
      ...(command.submissionKey ? { submissionKey: command.submissionKey } : {}),
    });
    if (!created.ok) throw new WorkflowFailure(created.error);
    let request = created.value;
    this.#limit.record(command.requester, now);
    const details = submittedDetails(item, request, {
      durationMs,
      extends: command.extends,
      verdicts: rule ? undefined : judged.verdicts,
    });
    const recorded: Recorded[] = [
      {
        event: 'request.submitted',
        actor: command.requester,
        details,
        approvers: rule ? [] : await this.people.approversOf(request, 0),
      },
    ];
    if (rule) {
      // Submitted and passed by the rule in one change: nobody is asked for a stage the rule decided.
      const passed = transition(request, { type: 'autoApprove', rule: rule.name }, now);
      if (!passed.ok) throw new WorkflowFailure(passed.error);
      request = passed.value;
      const s = request.status;
      recorded.push({
        event: 'request.auto_approved',
        actor: 'system',
        details: autoApprovedDetails(rule, request, judged.usesBefore),
        ...(s.state === 'pending' ? { approvers: await this.people.approversOf(request, s.stage) } : {}),
      });
    }
    try {
      await this.recorder.commit(null, request, recorded);
    } catch (error) {
      // The same form reached another replica, which made its request first: that request is the answer.
      const earlier =
        error instanceof StoreConflictError && command.submissionKey
          ? await this.store.findSubmission(command.requester, command.submissionKey)
          : undefined;
      if (earlier) return earlier;
      throw error;
    }
    if (request.status.state === 'approved') this.executor.kick();
    return request;
  }

  /**
   * The first of the item's auto-approval rules whose conditions hold for this request now and whose cap
   * has uses left for this person, and what stopped each rule before it.
   */
  async #judgeRules(
    item: CatalogItem,
    requester: string,
    durationMs: number | undefined,
    now: number,
  ): Promise<{ rule?: AutoApproveRule; usesBefore: number; verdicts: RuleVerdictRecord[] }> {
    const verdicts: RuleVerdictRecord[] = [];
    for (const rule of item.autoApprove ?? []) {
      const usesBefore = await this.store.uses.count(ruleUseKey(item, rule, requester), now, rule.cap.perMs);
      const verdict = judgeRule(rule, {
        requesterInSets: !rule.requesters || (await this.people.inAnyOf(rule.requesters, requester)),
        durationMs,
        now,
        usesInPeriod: usesBefore,
      });
      if (verdict.applies) return { rule, usesBefore, verdicts };
      verdicts.push({ rule: rule.name, applied: false, why: verdict.why });
    }
    return { usesBefore: 0, verdicts };
  }

  async #refuseUnapprovable(item: CatalogItem, requester: string, fromStage: number): Promise<void> {
    const unapprovable = await this.people.whyUnapprovable(item, requester, fromStage);
    if (unapprovable)
      throw new WorkflowFailure({ ...failure('not_allowed', unapprovable, 'no_possible_approver'), field: 'item' });
  }

  /**
   * What can be refused from the submission alone, before any directory lookup or write: the rate
   * limit, the item, the duration, the reason. A form is answered with this at once; `submit` decides.
   */
  check(command: SubmitCommand): WorkflowError | undefined {
    try {
      this.#checked(command, this.clock.now());
      return undefined;
    } catch (error) {
      if (error instanceof WorkflowFailure) return error.error;
      throw error;
    }
  }

  #checked(command: SubmitCommand, now: number): { item: CatalogItem; durationMs: number | undefined } {
    if (!this.#limit.allows(command.requester, now)) throw this.#rateLimited();
    const item = findItem(this.policy, command.itemId);
    if (!item)
      throw new WorkflowFailure({
        ...failure('not_found', `There is no catalog item "${command.itemId}".`),
        field: 'item',
      });
    const provider = this.providers.get(item.provider);
    if (provider && !supports(provider, item.kind)) {
      throw new WorkflowFailure(invalidField('item', `${item.title}: ${item.provider} does not support ${item.kind}.`));
    }
    let durationMs: number | undefined;
    if (command.duration !== undefined && command.duration.trim() !== '') {
      durationMs = command.duration.length <= MAX_DURATION_TEXT ? parseDuration(command.duration) : undefined;
      if (durationMs === undefined) {
        throw new WorkflowFailure(
          invalidField(
            'duration',
            `"${command.duration.slice(0, MAX_DURATION_TEXT)}" is not a duration; write it like 30m, 8h or 2d.`,
          ),
        );
      }
    }
    const check = command.breakGlass ? checkBreakGlass : checkSubmission;
    const checked = check({
      item,
      reason: command.reason,
      settings: this.policy.requests,
      ...(durationMs !== undefined ? { durationMs } : {}),
      ...(command.extends ? { extends: command.extends } : {}),
    });
    if (!checked.ok) throw new WorkflowFailure(checked.error);
    return { item, durationMs };
  }

  /**
   * `stage` is the stage the person was shown (0-based): the click counts for it or for nothing. Without
   * one (a button posted before clicks carried their stage) it counts for the current stage only.
   */
  approve(actor: string, ref: string, stage?: number, attestation?: string): Promise<Request> {
    const attestedAt = this.clock.now();
    return this.#decide(
      ref,
      async (request) => {
        if (request.status.state !== 'pending') return { type: 'approve', actor, eligible: false, stage: stage ?? 0 };
        // MFA resets hand over an account: the attestation is required here, not only by the modal.
        if (request.operation.kind === 'mfa.reset' && !attestation?.trim()) {
          throw new WorkflowFailure(
            failure(
              'not_allowed',
              `Approving ${request.ref} needs your attestation that you verified the requester’s identity out of band.`,
              'attestation_required',
            ),
          );
        }
        const current = request.status.stage;
        return {
          type: 'approve',
          actor,
          stage: stage ?? current,
          eligible: await this.people.mayApproveStage(request, current, actor),
        };
      },
      undefined,
      // The attestation belongs to the audit trail: who attested (the actor), when, and the exact text.
      (request) =>
        request.operation.kind === 'mfa.reset' && attestation
          ? { attestation: { text: attestation, at: new Date(attestedAt).toISOString() } }
          : {},
    );
  }

  deny(actor: string, ref: string, reason: string): Promise<Request> {
    this.#checkLength(reason);
    return this.#decide(ref, async (request) => ({
      type: 'deny',
      actor,
      reason,
      eligible:
        request.status.state === 'pending' && (await this.people.mayApproveStage(request, request.status.stage, actor)),
    }));
  }

  cancel(actor: string, ref: string): Promise<Request> {
    return this.#decide(ref, async () => ({ type: 'cancel', actor, isAdmin: await this.people.isAdmin(actor) }));
  }

  retry(actor: string, ref: string): Promise<Request> {
    return this.#decide(ref, async () => ({ type: 'retry', actor, isAdmin: await this.people.isAdmin(actor) }));
  }

  /**
   * The owner reveals a rotated key's new secret through `show` (the Slack modal), which says whether it
   * was shown. The secret is lent for the showing (a second click meanwhile is refused) and spent only
   * once shown; otherwise (undefined) it stays revealable until its deadline. The reveal is recorded at the time of the
   * click, so a showing that ends just after the deadline still counts.
   */
  async revealSecret(
    actor: string,
    ref: string,
    show: (request: Request, secret: Secret) => Promise<boolean>,
  ): Promise<Request | undefined> {
    const request = await this.find(ref);
    const clicked = this.clock.now();
    const event: RequestEvent = { type: 'reveal', actor, confirmBy: clicked + this.confirmWithinMs };
    const allowed = transition(request, event, clicked);
    if (!allowed.ok) throw new WorkflowFailure(allowed.error);
    const lent = await this.vault.open(request.id, actor);
    if (!lent.ok)
      throw new WorkflowFailure(
        failure(
          'invalid_state',
          `The new key of ${request.ref} can no longer be revealed (${lent.reason.replace('_', ' ')}).`,
        ),
      );
    let shown = false;
    try {
      shown = await show(request, lent.secret);
    } finally {
      if (!shown) await this.vault.restore(request.id);
    }
    if (!shown) return undefined;
    await this.vault.spend(request.id);
    return this.#decide(ref, async () => event, clicked);
  }

  /** Ends a grant now (the requester's "I'm done", or an admin). */
  release(actor: string, ref: string): Promise<Request> {
    return this.#decide(ref, async () => ({ type: 'release', actor, isAdmin: await this.people.isAdmin(actor) }));
  }

  /**
   * Asks for more time on an active grant: a new request, approved like the first one and capped by the
   * item's maxDuration; once carried out it moves the grant's end.
   */
  async extend(actor: string, ref: string, duration: string, reason: string): Promise<Request> {
    const grant = await this.find(ref);
    const refused = notExtendable(grant, actor);
    if (refused) throw new WorkflowFailure(refused);
    return this.submit({
      requester: actor,
      itemId: grant.itemId,
      reason: reason.trim() || `extend ${grant.ref}`,
      duration,
      extends: grant.id,
    });
  }

  /**
   * Why a button `actor` clicked no longer means anything, from the request as it stands now — the
   * answer a stale button gets at once, before any form opens over it. Who may decide is not asked (the
   * directory can be slow, and a form must open within 3 s of the click): the decision re-checks it.
   */
  async staleClick(
    actor: string,
    ref: string,
    click: { action: 'approve'; stage?: number } | { action: 'deny' } | { action: 'extend' },
  ): Promise<WorkflowError | undefined> {
    const request = await this.find(ref);
    const s = request.status;
    const now = this.clock.now();
    if (click.action === 'extend') return notExtendable(request, actor);
    if (s.state === 'pending' && now >= s.expiresAt)
      return failure(
        'already_decided',
        `${request.ref} has expired: nobody decided in time, so there is nothing left to decide.`,
      );
    const event: RequestEvent =
      click.action === 'approve'
        ? { type: 'approve', actor, eligible: true, stage: click.stage ?? (s.state === 'pending' ? s.stage : 0) }
        : { type: 'deny', actor, eligible: true, reason: 'stale-click check' };
    const tried = transition(request, event, now);
    return tried.ok ? undefined : tried.error;
  }

  /** A reviewer confirms or flags a break-glass use (re-checked here: a reviewer now, not its requester, once). */
  reviewBreakGlass(actor: string, ref: string, verdict: Verdict): Promise<Request> {
    return this.#breakGlass.review(actor, () => this.find(ref), verdict);
  }

  /** Why a Confirm or Flag click would change nothing now, or undefined: told before the Flag modal opens. */
  async staleBreakGlassReview(actor: string, ref: string): Promise<WorkflowError | undefined> {
    return this.#breakGlass.staleReview(actor, await this.find(ref));
  }

  /** The owner says their systems use the new key: the old keys are retired. */
  confirmRotation(actor: string, ref: string): Promise<Request> {
    return this.#decide(ref, async () => ({ type: 'confirm', actor }));
  }

  /** What time does to open requests (see `tick.ts`); the app calls it on a timer. */
  async tick(): Promise<void> {
    await runTick({
      policy: this.policy,
      store: this.store,
      vault: this.vault,
      executor: this.executor,
      clock: this.clock,
      apply: (request, event) => this.#applyQuietly(request, event),
    });
    // Break-glass reviews: reminded before their deadline, escalated at it (break-glass.ts).
    await this.#breakGlass.tick();
  }

  async find(ref: string): Promise<Request> {
    const number = parseRef(ref);
    const request = number !== undefined ? await this.store.getByNumber(number) : await this.store.get(ref);
    if (!request) throw notFound(ref);
    return request;
  }

  /**
   * A request as `person` may see it: its requester, its approvers (anyone who approved it or may decide
   * one of its stages) and the admins. Anyone else is told exactly what a request that does not exist
   * gets, so request numbers reveal nothing.
   */
  async findFor(person: string, ref: string): Promise<Request> {
    const request = await this.find(ref);
    if (await this.#maySee(request, person)) return request;
    throw notFound(ref);
  }

  async #maySee(request: Request, person: string): Promise<boolean> {
    if (request.requester === person || request.approvals.some((a) => a.by === person)) return true;
    const reviewers = request.breakGlass && this.policy.sets[request.breakGlass.reviewers];
    if (reviewers && (await this.people.inSet(reviewers, person, request.requester, false))) return true;
    for (let stage = 0; stage < request.stages.length; stage++) {
      if (await this.people.mayApproveStage(request, stage, person, false)) return true;
    }
    return this.people.isAdmin(person);
  }

  /**
   * Everyone whose view of a request (their App Home) a change to it may alter: its requester, whoever
   * approved it or may decide any of its stages (the escalation set included), and the admins.
   */
  async concernedWith(request: Request): Promise<string[]> {
    // A rule's approval names no person.
    const people = new Set([request.requester, ...request.approvals.filter((a) => !a.rule).map((a) => a.by)]);
    const add = (list: readonly string[]) => list.forEach((person) => people.add(person));
    for (let stage = 0; stage < request.stages.length; stage++) add(await this.people.approversOf(request, stage));
    const escalation = escalationSetOf(this.policy, request);
    if (escalation !== undefined) add(await this.people.membersOf(escalation, request));
    add(await this.people.adminsList());
    return [...people].sort();
  }

  /** Pending requests whose current stage `person` may decide. */
  async pendingFor(person: string): Promise<Request[]> {
    const mine: Request[] = [];
    for (const request of await this.store.openRequests()) {
      const s = request.status;
      if (s.state !== 'pending' || request.requester === person) continue;
      const decided = request.approvals.some((a) => a.stage === s.stage && a.by === person);
      if (!decided && (await this.people.mayApproveStage(request, s.stage, person, false))) mine.push(request);
    }
    return mine;
  }

  isAdmin(person: string): Promise<boolean> {
    return this.people.isAdmin(person);
  }

  /** Every pending request, longest waiting first, with who it waits on: for admins only. */
  async waitingRequests(actor: string): Promise<Waiting[]> {
    if (!(await this.people.isAdmin(actor))) {
      throw new WorkflowFailure(
        failure(
          'not_allowed',
          'Only IAM admins can list every pending request; `/iam pending` lists the approvals waiting for you.',
          'not_an_admin',
        ),
      );
    }
    const waiting: Waiting[] = [];
    for (const request of await this.store.openRequests()) {
      const entry = await waitingOf(this.people, request);
      if (entry) waiting.push(entry);
    }
    return waiting.sort(byLongestWait);
  }

  /** Catalog items this person may request and whose provider supports the kind: what /iam offers. */
  async requestableItems(person: string): Promise<CatalogItem[]> {
    const items: CatalogItem[] = [];
    for (const item of this.policy.catalog) {
      const provider = this.providers.get(item.provider);
      if (provider && supports(provider, item.kind) && (await this.people.mayRequest(item, person, false)))
        items.push(item);
    }
    return items;
  }

  /** `requestableItems` from what is known now, asking no one: for answers that must leave at once. */
  requestableItemsAsKnown(person: string): CatalogItem[] {
    return this.policy.catalog.filter((item) => {
      const provider = this.providers.get(item.provider);
      return provider !== undefined && supports(provider, item.kind) && this.people.mayRequestAsKnown(item, person);
    });
  }

  /** A denial's reason, checked before anything is looked up. */
  checkDenial(reason: string): WorkflowError | undefined {
    if (reason.trim() === '') return invalidField('reason', 'A denial needs a reason.');
    return this.#tooLong(reason);
  }

  /** An extension's own input, checked before anything is looked up (the item's limits are checked on submit). */
  checkExtension(duration: string, reason: string): WorkflowError | undefined {
    if (duration.length > MAX_DURATION_TEXT || parseDuration(duration) === undefined) {
      return invalidField(
        'duration',
        `"${duration.slice(0, MAX_DURATION_TEXT)}" is not a duration; write it like 30m, 8h or 2d.`,
      );
    }
    return this.#tooLong(reason);
  }

  /** This person's open requests, newest first: never the archive of closed ones. */
  async openRequestsOf(requester: string): Promise<Request[]> {
    return (await this.store.openRequests())
      .filter((r) => r.requester === requester && !isClosed(r))
      .sort((a, b) => b.number - a.number);
  }

  history(requester: string): Promise<Request[]> {
    return this.store.list({ requester });
  }

  /** `at`: when the person acted, if earlier than now (a reveal is recorded as of its click). */
  async #decide(
    ref: string,
    eventFor: (request: Request) => Promise<RequestEvent>,
    at?: number,
    extraDetails?: (request: Request) => Record<string, unknown>,
  ): Promise<Request> {
    for (let attempt = 0; attempt < MAX_RACE_RETRIES; attempt++) {
      let request = await this.find(ref);
      request = await this.#expireIfDue(request);
      const event = await eventFor(request);
      const next = transition(request, event, at ?? this.clock.now());
      if (!next.ok) throw new WorkflowFailure(next.error);
      const recorded = recordedFor(request, next.value, event);
      const extra = extraDetails?.(request);
      if (extra && recorded[0]) recorded[0] = { ...recorded[0], details: { ...recorded[0].details, ...extra } };
      const after = next.value.status;
      if (after.state === 'pending' && recorded[0]?.event === 'request.stage_passed') {
        recorded[0] = { ...recorded[0], approvers: await this.people.approversOf(next.value, after.stage) };
      }
      try {
        await this.recorder.commit(request, next.value, recorded);
      } catch (error) {
        if (error instanceof StoreConflictError) continue;
        throw error;
      }
      if (
        after.state === 'approved' ||
        after.state === 'revoking' ||
        (after.state === 'executing' && (after.rotation?.step === 'retire' || after.rotation?.step === 'rollback'))
      ) {
        this.executor.kick();
      }
      return next.value;
    }
    throw new WorkflowFailure(conflict(ref));
  }

  /** A click after the TTL meets an expired request, not a live one. */
  async #expireIfDue(request: Request): Promise<Request> {
    if (request.status.state !== 'pending' || this.clock.now() < request.status.expiresAt) return request;
    await this.#applyQuietly(request, { type: 'expire' });
    return this.find(request.id);
  }

  async #applyQuietly(request: Request, event: RequestEvent): Promise<void> {
    const next = transition(request, event, this.clock.now());
    if (!next.ok) return;
    const recorded = recordedFor(request, next.value, event);
    const s = next.value.status;
    if (s.state === 'pending' && recorded[0] && (event.type === 'remind' || event.type === 'escalate')) {
      const people =
        event.type === 'escalate'
          ? await this.people.membersOf(event.set, next.value)
          : await this.people.approversOf(next.value, s.stage);
      recorded[0] = { ...recorded[0], approvers: people };
    }
    try {
      await this.recorder.commit(request, next.value, recorded);
    } catch (error) {
      // Someone else moved it first; the next tick sees the new state.
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }

  #rateLimited(): WorkflowFailure {
    const { count, windowMs } = this.policy.requests.submissionLimit;
    return new WorkflowFailure(
      failure(
        'rate_limited',
        `You submitted ${count} requests in the last ${formatDuration(windowMs)}; wait a little before the next one.`,
      ),
    );
  }

  #checkLength(text: string): void {
    const tooLong = this.#tooLong(text);
    if (tooLong) throw new WorkflowFailure(tooLong);
  }

  #tooLong(text: string): WorkflowError | undefined {
    const max = this.policy.requests.maxReasonLength;
    return text.length > max ? invalidField('reason', `The text is longer than ${max} characters.`) : undefined;
  }
}

/** Whether the provider has the capability the kind needs (an optional interface of the port). */
function supports(provider: Provider, kind: Request['operation']['kind']): boolean {
  return provider[CAPABILITY_OF_KIND[kind]] !== undefined;
}

/** Why `actor` may not extend `grant`: only its requester, and only while the timed access is active. */
function notExtendable(grant: Request, actor: string): WorkflowError | undefined {
  const s = grant.status;
  if (grant.requester !== actor)
    return failure('not_allowed', `Only the requester can extend ${grant.ref}.`, 'not_the_requester');
  if (s.state !== 'completed' || s.grantExpiresAt === undefined)
    return failure(
      'invalid_state',
      `${grant.ref} is not active, timed access (it has ended, or never had an end): there is nothing to extend.`,
    );
  return undefined;
}

function notFound(ref: string): WorkflowFailure {
  return new WorkflowFailure(failure('not_found', `There is no request ${ref}.`));
}

function conflict(ref: string): WorkflowError {
  return failure('conflict', `${ref} kept changing while you acted; look at it again and retry.`);
}
