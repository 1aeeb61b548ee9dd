/** Builds the workflow from its ports. */
import type { Policy } from '../domain/policy.ts';
import { DEFAULT_CONFIRM_WITHIN_MS } from '../domain/request.ts';
import type { ProviderRegistry, Store, AuditSink, Clock, Directory, Notifier, SecretVault } from './ports.ts';
import type { Logger } from '../log.ts';
import { Checkpointer } from './checkpoints.ts';
import { Dispatcher, type DispatcherOptions } from './dispatcher.ts';
import { Executor } from './executor.ts';
import { observeProviders } from './observed-provider.ts';
import { Sweeper } from './sweep.ts';
import { People } from './people.ts';
import { Recorder } from './recorder.ts';
import { ReviewService, type ReviewRequests } from './review-service.ts';
import { WorkflowService } from './service.ts';

interface WorkflowDeps {
  policy: Policy;
  store: Store;
  audit: AuditSink;
  notifier: Notifier;
  directory: Directory;
  providers: ProviderRegistry;
  vault: SecretVault;
  clock: Clock;
  newId: () => string;
  log: Logger;
  /** How long a new secret waits to be revealed; default 15 minutes. */
  secretTtlMs?: number;
  /** How long the key owner has to confirm a revealed key is in use; default DEFAULT_CONFIRM_WITHIN_MS (24 h). */
  confirmWithinMs?: number;
  delivery?: DispatcherOptions;
  /** The executor's waits: between attempts to record a step, and between reads of a change a provider may show late (tests make them instant). */
  sleep?: (ms: number) => Promise<void>;
  /** False: record decisions only; provider steps and notices wait for a process that runs them. */
  active?: boolean;
  /** Where the command line leaves access reviews it asks for (the embedded store's data directory). */
  reviewRequests?: ReviewRequests;
}

export interface Workflow {
  service: WorkflowService;
  executor: Executor;
  recorder: Recorder;
  dispatcher: Dispatcher;
  sweeper: Sweeper;
  people: People;
  checkpoints: Checkpointer;
  reviews: ReviewService;
}

export function createWorkflow(deps: WorkflowDeps): Workflow {
  const people = new People(deps.policy, deps.directory);
  const active = deps.active ?? true;
  // Every provider call the workflow makes is logged (provider, operation, duration, outcome).
  const providers = observeProviders(deps.providers, deps.log);
  const readBack = {
    clock: deps.clock,
    wait: deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
  };
  const ctx = {
    policy: deps.policy,
    directory: deps.directory,
    vault: deps.vault,
    secretTtlMs: deps.secretTtlMs ?? 15 * 60_000,
    readBack,
  };
  const reports = {
    clock: deps.clock,
    newId: deps.newId,
    admins: () => people.adminsList(),
    flushAudit: () => recorder.flushAudit(),
  };
  const dispatcher = new Dispatcher(deps.store, deps.notifier, deps.log, reports, { ...deps.delivery, active });
  const recorder: Recorder = new Recorder(
    deps.store,
    deps.audit,
    dispatcher,
    deps.clock,
    deps.newId,
    deps.log,
    deps.directory,
  );
  const executor = new Executor(
    deps.store,
    recorder,
    providers,
    ctx,
    deps.clock,
    deps.log,
    () => people.adminsList(),
    active,
    {
      alert: async (text) => deps.notifier.alertAdmins?.(await people.adminsList(), text),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    },
  );
  const service = new WorkflowService(
    deps.policy,
    deps.store,
    providers,
    people,
    recorder,
    executor,
    deps.clock,
    deps.newId,
    deps.vault,
    deps.confirmWithinMs ?? DEFAULT_CONFIRM_WITHIN_MS,
  );
  const sweeper = new Sweeper(deps.policy, deps.store, providers, ctx, recorder, deps.log);
  const checkpoints = new Checkpointer(deps.store, recorder, deps.notifier, deps.clock, deps.newId, deps.log);
  const reviews = new ReviewService({
    policy: deps.policy,
    store: deps.store,
    providers,
    people,
    directory: deps.directory,
    recorder,
    dispatcher,
    executor,
    clock: deps.clock,
    newId: deps.newId,
    log: deps.log,
    ...(deps.reviewRequests ? { requests: deps.reviewRequests } : {}),
  });
  return { service, executor, recorder, dispatcher, people, sweeper, checkpoints, reviews };
}
