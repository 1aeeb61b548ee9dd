/**
 * Carries out approved requests, due revokes and the provider steps of key rotations. The `start`
 * transition is a compare-and-set, so of two executors (two clicks, a restart racing a retry) only one
 * ever calls the provider for a given step.
 */
import { randomUUID } from 'node:crypto';
import type { FailureInfo, Outcome, Request, Verification } from '../domain/request.ts';
import { transition, type RequestEvent } from '../domain/transitions.ts';
import type { Logger } from '../log.ts';
import { hasCode } from '../shared/errors.ts';
import { withRequestRef } from '../shared/log-context.ts';
import {
  ProviderError,
  type Provider,
  type ProviderRegistry,
  type Store,
  StoreConflictError,
  type Clock,
} from './ports.ts';
import { advanceRotation, type RotationDeps } from './key-rotation.ts';
import { underLease } from './leased-work.ts';
import { backoffDelay } from '../shared/backoff.ts';
import { execute, type OperationContext } from './operations.ts';
import { endedBy, endGrant, grantAccess, runningGrantsOf, type GrantDeps } from './grants.ts';
import type { Recorded, Recorder } from './recorder.ts';
import { UnverifiedEffectError, verifiedDetails } from './verify.ts';
import { IamBotError } from '../shared/errors.ts';

type Step = 'execute' | 'revoke';

interface ExecutorOptions {
  /** Tells the admins directly (not through the store) that the bot cannot record its progress. */
  alert?: (text: string) => Promise<void>;
  /** Waits between attempts to record a step (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * How long a request's step lease lasts without renewal (a live holder renews it every third of that): how
 * soon another replica may resume a dead one's step.
 */
const STEP_LEASE_MS = 15_000;

/** Attempts at ending a grant whose member an access review removed, before the admins are told. */
const END_GRANT_ATTEMPTS = 3;

export class Executor {
  /** This process, as a lease holder. */
  readonly #worker = randomUUID();
  readonly #running = new Map<string, Promise<void>>();
  /** Request id → whether this process may still hold its lease, while it works on the request. */
  readonly #held = new Map<string, () => boolean>();
  /** Reads of the store that are looking for work to start. */
  readonly #scans = new Set<Promise<void>>();
  readonly #rotation: RotationDeps;
  readonly #grants: GrantDeps;

  constructor(
    private readonly store: Store,
    private readonly recorder: Recorder,
    private readonly providers: ProviderRegistry,
    private readonly ctx: OperationContext,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** The policy's admins, told when a revoke keeps failing. */
    private readonly admins: () => Promise<readonly string[]>,
    /** False for a process that only records decisions (the CLI): the running bot carries them out. */
    private readonly active = true,
    private readonly options: ExecutorOptions = {},
  ) {
    this.#rotation = {
      ctx,
      clock,
      log,
      apply: (request, event, recorded) => this.#apply(request, event, recorded),
      finish: async (request, result) => {
        if ('outcome' in result) await this.#succeed(request, 'execute', result.outcome);
        else await this.#fail(request, 'execute', result.failure, result.verified);
      },
    };
    this.#grants = { ctx, store, clock, apply: (request, event, recorded) => this.#apply(request, event, recorded) };
  }

  /** Starts whatever is ready: approved requests, grants being revoked, rotations a person moved on. */
  kick(): void {
    if (!this.active) return;
    this.#scan(() => this.#startReady());
  }

  async #startReady(): Promise<void> {
    const now = this.clock.now();
    for (const request of await this.store.openRequests()) {
      const s = request.status;
      const rotationStep = s.state === 'executing' ? s.rotation?.step : undefined;
      const revokeDue = s.state === 'revoking' && (s.retryAt === undefined || s.retryAt <= now);
      if (s.state === 'approved' || revokeDue || rotationStep === 'retire' || rotationStep === 'rollback') {
        this.#launch(request.id, false);
      }
    }
  }

  /**
   * At start-up: steps under way when the process died are run again (each is idempotent or
   * reconciled against the provider), then everything ready is started.
   */
  recover(): void {
    if (!this.active) return;
    this.#scan(async () => {
      for (const request of await this.store.openRequests()) {
        if (request.status.state === 'executing') this.#launch(request.id, true);
      }
      await this.#startReady();
    });
  }

  #scan(work: () => Promise<void>): void {
    const scan: Promise<void> = work()
      .catch((error: unknown) => this.log.error({ err: error }, 'could not read the requests ready to carry out'))
      .finally(() => this.#scans.delete(scan));
    this.#scans.add(scan);
  }

  get busy(): boolean {
    return this.#running.size > 0 || this.#scans.size > 0;
  }

  /** Resolves when every step started so far has finished. */
  async settle(): Promise<void> {
    while (this.busy) await Promise.all([...this.#running.values(), ...this.#scans]);
  }

  #launch(id: string, resuming: boolean): void {
    if (this.#running.has(id)) return;
    let again = false;
    const run = this.#leased(id, () => this.#run(id, resuming))
      .catch(async (error: unknown) => {
        if (error instanceof StoreConflictError || hasCode(error, 'lease_lost')) again = true;
        else
          this.log.error(
            { err: error, requestId: id, request: (await this.store.get(id).catch(() => undefined))?.ref },
            'execution step crashed',
          );
      })
      .finally(() => {
        this.#running.delete(id);
        // The request changed under this step, or its lease may have lapsed: it ended, so carry on from the
        // request as it now is, unless another replica holds the request now (the claim says).
        if (again) this.#launch(id, true);
      });
    this.#running.set(id, run);
  }

  /**
   * Runs a request's step holding the request's lease, so of several replicas sharing the store only one
   * works on a request at a time. A replica that dies stops renewing; once the lease lapses, the leader's
   * next tick resumes the step (recover). Not claimed: another replica is on it.
   */
  async #leased(id: string, work: () => Promise<void>): Promise<void> {
    const lease = { name: `request:${id}`, holder: this.#worker, ttlMs: STEP_LEASE_MS };
    await underLease(this.store.leases, this.clock, lease, async (held) => {
      this.#held.set(id, held);
      try {
        await work();
      } finally {
        this.#held.delete(id);
      }
    });
  }

  async #run(id: string, resuming: boolean): Promise<void> {
    const request = await this.store.get(id);
    if (!request) return;
    return withRequestRef(request.ref, () => this.#step(request, resuming));
  }

  async #step(request: Request, resuming: boolean): Promise<void> {
    const s = request.status;
    if (s.state === 'revoking') return this.#revoke(request);
    if (s.state === 'approved') return this.#begin(request, false);
    if (s.state !== 'executing') return;
    if (s.rotation?.step === 'retire' || s.rotation?.step === 'rollback') return this.#rotate(request);
    if (resuming && s.rotation?.step === 'reveal') {
      // A sealed secret outlives the process: it waits for its owner (or its deadline) as before.
      if (await this.ctx.vault.holds(request.id)) return;
      // The secret lived in the memory of the process that died: nobody can ever reveal it.
      const abandoned = await this.#apply(request, { type: 'abandon', reason: 'lost' }, [
        { event: 'rotation.abandoned', actor: 'system', details: { reason: 'lost' } },
      ]);
      return this.#rotate(abandoned);
    }
    if (resuming && s.rotation?.step !== 'confirm') return this.#begin(request, true);
  }

  async #begin(request: Request, resuming: boolean): Promise<void> {
    const started = await this.#apply(request, { type: 'start' }, [
      { event: 'execution.started', actor: 'system', details: resuming ? { resumed: true } : {} },
    ]);
    if (started.operation.kind === 'key.rotate') return this.#rotate(started);
    await this.#guarded(started, 'execute', (provider) =>
      started.operation.kind === 'group.add'
        ? grantAccess(started, provider, this.#grants)
        : execute(started, provider, this.ctx),
    );
    if (started.operation.kind === 'group.remove') await this.#endGrantsRemovedBy(started.id);
  }

  /**
   * An access review's removal, once completed, ends the member's timed grants of that group: they no longer
   * show as running, their Extend buttons go, and each is closed through the usual revoke (which finds the
   * member gone).
   */
  async #endGrantsRemovedBy(removalId: string): Promise<void> {
    const removal = await this.store.get(removalId);
    const provider = removal && this.providers.get(removal.provider);
    if (!removal || !provider || removal.status.state !== 'completed') return;
    let ended = 0;
    for (const grant of await runningGrantsOf(removal, this.store))
      if (await this.#endIfRemoved(removal, grant.id, provider)) ended++;
    if (ended > 0) this.kick();
  }

  /**
   * Ends one grant the removal took the member out of, read again at each attempt (a grant the tick warned or
   * extended meanwhile is still ended). A provider that cannot say who the grant's principal is, after a few
   * tries, leaves the grant to end at its time, and the admins are told.
   */
  async #endIfRemoved(removal: Request, grantId: string, provider: Provider): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const grant = await this.store.get(grantId);
      try {
        if (!grant || !(await endedBy(removal, grant, provider, this.ctx))) return false;
        const event = { type: 'revoke', trigger: 'removed', removal: removal.ref } as const;
        await this.#apply(grant, event, [
          { event: 'revoke.started', actor: 'system', details: { trigger: 'removed', removal: removal.ref } },
        ]);
        return true;
      } catch (error) {
        if (attempt < END_GRANT_ATTEMPTS) {
          if (!(error instanceof StoreConflictError))
            await (this.options.sleep ?? sleep)(backoffDelay(attempt, END_GRANT_BACKOFF));
          continue;
        }
        const ref = grant?.ref ?? grantId;
        this.log.error(
          { err: error, request: ref, removal: removal.ref },
          'could not end a grant whose member an access review removed',
        );
        const why = error instanceof IamBotError ? error.code : 'an unexpected error';
        await this.#tellAdmins(
          ref,
          `${ref}: an access review removed its member (${removal.ref}), but the grant could not be ended (${why}). It runs until its end unless its holder or an admin ends it early.`,
        );
        return false;
      }
    }
  }

  /** Ends a grant (grants.ts says when the membership stays). */
  #revoke(request: Request): Promise<void> {
    return this.#guarded(request, 'revoke', (provider) => endGrant(request, provider, this.#grants));
  }

  #rotate(request: Request): Promise<void> {
    return this.#guarded(request, 'execute', (provider) => advanceRotation(request, provider, this.#rotation));
  }

  /**
   * Runs a provider step and records its outcome, if it returns one (a rotation records its own
   * progress). A provider error fails the request with its kind; anything else too, and is logged.
   */
  async #guarded(request: Request, step: Step, body: (provider: Provider) => Promise<Outcome | void>): Promise<void> {
    const provider = this.providers.get(request.provider);
    if (!provider) {
      await this.#fail(request, step, {
        kind: 'invalid_request',
        message: `Provider ${request.provider} is not configured.`,
      });
      return;
    }
    // A lease this process may have lost (no renewal for a whole term) may be another replica's now: the step
    // is not begun here, lest the provider be called twice; #launch claims the request again.
    if (this.#held.get(request.id)?.() === false)
      throw new IamBotError('lease_lost', `${request.ref}: the lease may have passed to another replica`);
    try {
      const outcome = await body(provider);
      // Recorded against the latest version: the step may have recorded progress of its own.
      if (outcome) await this.#succeed((await this.store.get(request.id)) ?? request, step, outcome);
    } catch (error) {
      if (error instanceof StoreConflictError) throw error;
      if (error instanceof UnverifiedEffectError)
        this.log.warn(
          { request: request.ref, expected: error.expected, observed: error.observed },
          'a change the provider acknowledged does not show in its reads',
        );
      else if (!(error instanceof ProviderError))
        this.log.error({ err: error, request: request.ref }, 'unexpected error in a provider step');
      // The latest version: a rotation may have moved on before the failing call.
      const latest = (await this.store.get(request.id)) ?? request;
      if (step === 'revoke') await this.#revokeFailed(latest, failureOf(error));
      else await this.#fail(latest, step, failureOf(error));
    }
  }

  async #succeed(request: Request, step: Step, outcome: Outcome): Promise<void> {
    const details: Record<string, unknown> = { summary: outcome.summary };
    if (outcome.providerRequestId) details.providerRequestId = outcome.providerRequestId;
    if (outcome.newKeyId) details.newKeyId = outcome.newKeyId;
    Object.assign(details, verifiedDetails(outcome.verified));
    await this.#apply(request, { type: 'succeed', outcome }, [
      { event: step === 'execute' ? 'execution.completed' : 'revoke.completed', actor: 'system', details },
    ]);
  }

  /**
   * Access that should end is never given up on: the revoke is retried with growing waits, and after
   * REVOKE_ESCALATION failures the policy's admins are told, once — at once when the provider
   * acknowledged the removal but still shows the member (`unverified`): that access survived its revoke.
   */
  async #revokeFailed(request: Request, error: FailureInfo): Promise<void> {
    if (request.status.state !== 'revoking') return;
    const { attempt, escalated } = request.status;
    const retryAt = this.clock.now() + backoffDelay(attempt, REVOKE_BACKOFF, () => 1);
    const escalate = (attempt >= REVOKE_ESCALATION || error.kind === 'unverified') && escalated !== true;
    const details: Record<string, unknown> = {
      kind: error.kind,
      message: error.message,
      attempt,
      retryAt: new Date(retryAt).toISOString(),
    };
    if (error.providerRequestId) details.providerRequestId = error.providerRequestId;
    const recorded: Recorded[] = [{ event: 'revoke.failed', actor: 'system', details }];
    if (escalate)
      recorded.push({
        event: 'revoke.escalated',
        actor: 'system',
        details: { attempts: attempt },
        approvers: await this.admins(),
      });
    await this.#apply(request, { type: 'revokeFailed', error, retryAt, escalate }, recorded);
  }

  /** A change the provider acknowledged but does not show (`unverified`) is also put to the admins. */
  async #fail(request: Request, step: Step, error: FailureInfo, verified?: readonly Verification[]): Promise<void> {
    const details: Record<string, unknown> = { kind: error.kind, message: error.message, ...verifiedDetails(verified) };
    if (error.providerRequestId) details.providerRequestId = error.providerRequestId;
    const recorded: Recorded[] = [
      { event: step === 'execute' ? 'execution.failed' : 'revoke.failed', actor: 'system', details },
    ];
    if (error.kind === 'unverified')
      recorded.push({
        event: 'effect.unverified',
        actor: 'system',
        details: { message: error.message },
        approvers: await this.admins(),
      });
    await this.#apply(request, { type: 'fail', error }, recorded);
  }

  async #apply(request: Request, event: RequestEvent, recorded: readonly Recorded[]): Promise<Request> {
    const next = transition(request, event, this.clock.now());
    if (!next.ok) throw new IamBotError('internal', `executor: ${next.error.message}`);
    await this.#durably(request, () => this.recorder.commit(request, next.value, recorded));
    return next.value;
  }

  /**
   * A step the bot cannot record (a full disk, a permission changed under it) must not strand the
   * request: the write is retried with growing waits until it goes through, and the admins are told
   * once, directly, since the store cannot take a notice just now. A failed write changed nothing, so
   * writing again is safe. A conflict is not a failure: the caller carries on from the new version.
   */
  async #durably(request: Request, write: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        if (attempt > 1) this.log.warn({ request: request.ref, attempts: attempt }, 'recording steps works again');
        return;
      } catch (error) {
        if (error instanceof StoreConflictError) throw error;
        const delayMs = backoffDelay(attempt, BOOKKEEPING_BACKOFF);
        this.log.error(
          { err: error, request: request.ref, attempt, delayMs },
          'cannot record a step of this request; retrying',
        );
        if (attempt === 1) await this.#alertAdmins(request, error);
        await (this.options.sleep ?? sleep)(delayMs);
      }
    }
  }

  async #alertAdmins(request: Request, error: unknown): Promise<void> {
    // The alert names a file system's or store's code (ENOSPC, store_conflict); an audit log refusal, whose
    // message is in the log, is told as a storage error.
    const audit = hasCode(error, 'audit_refused', 'audit_closed', 'audit_append_failed');
    const code = audit ? undefined : (error as { code?: unknown } | null)?.code;
    const why = typeof code === 'string' ? code : 'a storage error';
    await this.#tellAdmins(
      request.ref,
      `${request.ref}: the bot cannot record its progress in its data directory (${why}). It keeps retrying and the request waits meanwhile; free disk space or fix the directory's permissions.`,
    );
  }

  /** Tells the admins directly (not through the store's outbox); a failure to is logged. */
  async #tellAdmins(ref: string, text: string): Promise<void> {
    try {
      await this.options.alert?.(text);
    } catch (alertError) {
      this.log.error({ err: alertError, request: ref }, 'could not alert the admins');
    }
  }
}

const BOOKKEEPING_BACKOFF = { baseMs: 1_000, capMs: 60_000 };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const REVOKE_ESCALATION = 5;
const REVOKE_BACKOFF = { baseMs: 60_000, capMs: 3_600_000 };
/** Between attempts at ending a grant an access review's removal ended: the provider's answer, soon. */
const END_GRANT_BACKOFF = { baseMs: 2_000, capMs: 10_000 };

function failureOf(error: unknown): FailureInfo {
  if (error instanceof ProviderError) {
    const info: FailureInfo = { kind: error.kind, message: error.message };
    if (error.providerRequestId) info.providerRequestId = error.providerRequestId;
    return info;
  }
  if (error instanceof UnverifiedEffectError) return { kind: 'unverified', message: error.message };
  // Internal details stay in the log; people see that something unexpected happened.
  return { kind: 'internal', message: 'An unexpected error stopped this step; the details are in the bot log.' };
}
