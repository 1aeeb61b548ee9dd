/**
 * Carries out approved requests, due revokes and the provider steps of key rotations. The `start`
 * transition is a compare-and-set, so of two executors (two clicks, a restart racing a retry) only one
 * ever calls the provider for a given step.
 */
import type { FailureInfo, Outcome, Request } from '../domain/request.ts';
import { transition, type RequestEvent } from '../domain/transitions.ts';
import type { Logger } from '../log.ts';
import { ProviderError, type Provider, type ProviderRegistry } from '../providers/port.ts';
import type { Store } from '../store/port.ts';
import { StoreConflictError } from '../store/port.ts';
import { advanceRotation, type RotationDeps } from './key-rotation.ts';
import { execute, revoke, type OperationContext } from './operations.ts';
import type { Clock } from './ports.ts';
import type { Recorded, Recorder } from './recorder.ts';

type Step = 'execute' | 'revoke';

export class Executor {
  readonly #running = new Map<string, Promise<void>>();
  readonly #rotation: RotationDeps;

  constructor(
    private readonly store: Store,
    private readonly recorder: Recorder,
    private readonly providers: ProviderRegistry,
    private readonly ctx: OperationContext,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** False for a process that only records decisions (the CLI): the running bot carries them out. */
    private readonly active = true,
  ) {
    this.#rotation = {
      ctx,
      clock,
      log,
      apply: (request, event, recorded) => this.#apply(request, event, recorded),
      finish: async (request, result) => {
        if ('outcome' in result) await this.#succeed(request, 'execute', result.outcome);
        else await this.#fail(request, 'execute', result.failure);
      },
    };
  }

  /** Starts whatever is ready: approved requests, grants being revoked, rotations a person moved on. */
  kick(): void {
    if (!this.active) return;
    for (const request of this.store.openRequests()) {
      const s = request.status;
      const rotationStep = s.state === 'executing' ? s.rotation?.step : undefined;
      if (s.state === 'approved' || s.state === 'revoking' || rotationStep === 'retire' || rotationStep === 'rollback') {
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
    for (const request of this.store.openRequests()) {
      if (request.status.state === 'executing') this.#launch(request.id, true);
    }
    this.kick();
  }

  get busy(): boolean {
    return this.#running.size > 0;
  }

  /** Resolves when every step started so far has finished. */
  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }

  #launch(id: string, resuming: boolean): void {
    if (this.#running.has(id)) return;
    let conflicted = false;
    const run = this.#run(id, resuming)
      .catch((error: unknown) => {
        if (error instanceof StoreConflictError) conflicted = true;
        else this.log.error({ err: error, requestId: id }, 'execution step crashed');
      })
      .finally(() => {
        this.#running.delete(id);
        // The request changed under this step: it ended, so carry on from the request as it now is.
        if (conflicted) this.#launch(id, true);
      });
    this.#running.set(id, run);
  }

  async #run(id: string, resuming: boolean): Promise<void> {
    const request = await this.store.get(id);
    if (!request) return;
    const s = request.status;
    if (s.state === 'revoking') return this.#guarded(request, 'revoke', (provider) => revoke(request, provider, this.ctx));
    if (s.state === 'approved') return this.#begin(request, false);
    if (s.state !== 'executing') return;
    if (s.rotation?.step === 'retire' || s.rotation?.step === 'rollback') return this.#rotate(request);
    if (resuming && s.rotation?.step === 'reveal') {
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
    return this.#guarded(started, 'execute', (provider) => execute(started, provider, this.ctx));
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
      await this.#fail(request, step, { kind: 'invalid_request', message: `Provider ${request.provider} is not configured.` });
      return;
    }
    try {
      const outcome = await body(provider);
      if (outcome) await this.#succeed(request, step, outcome);
    } catch (error) {
      if (error instanceof StoreConflictError) throw error;
      if (!(error instanceof ProviderError)) this.log.error({ err: error, request: request.ref }, 'unexpected error in a provider step');
      // The latest version: a rotation may have moved on before the failing call.
      const latest = (await this.store.get(request.id)) ?? request;
      await this.#fail(latest, step, failureOf(error));
    }
  }

  async #succeed(request: Request, step: Step, outcome: Outcome): Promise<void> {
    const details: Record<string, unknown> = { summary: outcome.summary };
    if (outcome.providerRequestId) details.providerRequestId = outcome.providerRequestId;
    if (outcome.newKeyId) details.newKeyId = outcome.newKeyId;
    await this.#apply(request, { type: 'succeed', outcome }, [
      { event: step === 'execute' ? 'execution.completed' : 'revoke.completed', actor: 'system', details },
    ]);
  }

  async #fail(request: Request, step: Step, error: FailureInfo): Promise<void> {
    const details: Record<string, unknown> = { kind: error.kind, message: error.message };
    if (error.providerRequestId) details.providerRequestId = error.providerRequestId;
    await this.#apply(request, { type: 'fail', error }, [{ event: step === 'execute' ? 'execution.failed' : 'revoke.failed', actor: 'system', details }]);
  }

  async #apply(request: Request, event: RequestEvent, recorded: readonly Recorded[]): Promise<Request> {
    const next = transition(request, event, this.clock.now());
    if (!next.ok) throw new Error(`executor: ${next.error.message}`);
    await this.recorder.commit(request, next.value, recorded);
    return next.value;
  }
}

function failureOf(error: unknown): FailureInfo {
  if (error instanceof ProviderError) {
    const info: FailureInfo = { kind: error.kind, message: error.message };
    if (error.providerRequestId) info.providerRequestId = error.providerRequestId;
    return info;
  }
  // Internal details stay in the log; people see that something unexpected happened.
  return { kind: 'internal', message: 'An unexpected error stopped this step; the details are in the bot log.' };
}
