/**
 * Carries out approved requests and due revokes. The `start` transition is a compare-and-set, so of two
 * executors (two clicks, a restart racing a retry) only one ever calls the provider for a given step.
 */
import type { FailureInfo, Request } from '../domain/request.ts';
import type { RequestEvent } from '../domain/transitions.ts';
import { transition } from '../domain/transitions.ts';
import { ProviderError, type Provider, type ProviderRegistry } from '../providers/port.ts';
import type { Store } from '../store/port.ts';
import { StoreConflictError } from '../store/port.ts';
import type { Logger } from '../log.ts';
import { execute, revoke, type OperationContext } from './operations.ts';
import type { Clock } from './ports.ts';
import type { Recorded, Recorder } from './recorder.ts';

export class Executor {
  readonly #running = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly recorder: Recorder,
    private readonly providers: ProviderRegistry,
    private readonly ctx: OperationContext,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Starts whatever is ready: approved requests and grants being revoked. Returns at once. */
  kick(): void {
    for (const request of this.store.openRequests()) {
      const { state } = request.status;
      if (state === 'approved' || state === 'revoking') this.#launch(request.id, false);
    }
  }

  /**
   * At start-up: steps that were under way when the process died are run again (they are idempotent or
   * refuse to guess), then everything ready is started.
   */
  recover(): void {
    for (const request of this.store.openRequests()) {
      if (request.status.state === 'executing') this.#launch(request.id, true);
    }
    this.kick();
  }

  /** Resolves when every step started so far has finished. */
  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running.values());
  }

  #launch(id: string, resuming: boolean): void {
    if (this.#running.has(id)) return;
    const run = this.#run(id, resuming)
      .catch((error: unknown) => {
        if (!(error instanceof StoreConflictError)) this.log.error({ err: error, requestId: id }, 'execution step crashed');
      })
      .finally(() => this.#running.delete(id));
    this.#running.set(id, run);
  }

  async #run(id: string, resuming: boolean): Promise<void> {
    const request = await this.store.get(id);
    if (!request) return;
    const provider = this.providers.get(request.provider);
    const state = request.status.state;
    if (state === 'revoking') {
      await this.#step(request, 'revoke', provider);
      return;
    }
    if (state !== 'approved' && !(resuming && state === 'executing')) return;
    const started = await this.#apply(request, { type: 'start' }, [
      { event: 'execution.started', actor: 'system', details: resuming ? { resumed: true } : {} },
    ]);
    if (resuming && started.operation.kind === 'key.rotate') {
      // A key may or may not have been created before the crash; creating another could exceed the
      // provider's key limit or leave an unknown key behind. An admin decides.
      await this.#fail(started, 'execute', {
        kind: 'internal',
        message: 'Key rotation was interrupted after it started; check the keys of the target before retrying.',
      });
      return;
    }
    await this.#step(started, 'execute', provider);
  }

  async #step(request: Request, step: 'execute' | 'revoke', provider: Provider | undefined): Promise<void> {
    if (!provider) {
      await this.#fail(request, step, { kind: 'invalid_request', message: `Provider ${request.provider} is not configured.` });
      return;
    }
    try {
      const outcome = step === 'execute' ? await execute(request, provider, this.ctx) : await revoke(request, provider, this.ctx);
      const details: Record<string, unknown> = { summary: outcome.summary };
      if (outcome.providerRequestId) details.providerRequestId = outcome.providerRequestId;
      if (outcome.newKeyId) details.newKeyId = outcome.newKeyId;
      await this.#apply(request, { type: 'succeed', outcome }, [
        { event: step === 'execute' ? 'execution.completed' : 'revoke.completed', actor: 'system', details },
      ]);
    } catch (error) {
      if (error instanceof StoreConflictError) throw error;
      await this.#fail(request, step, failureOf(error));
      if (!(error instanceof ProviderError)) this.log.error({ err: error, request: request.ref }, 'unexpected error in a provider step');
    }
  }

  async #fail(request: Request, step: 'execute' | 'revoke', error: FailureInfo): Promise<void> {
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
