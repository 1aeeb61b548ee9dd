/**
 * Composition root: the only place that wires configuration, storage, providers and the workflow
 * together. The store is opened first (with its audit log, so it knows which outbox events already
 * reached it); then anything left in the outbox is written before new work starts.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { App } from '@slack/bolt';
import type { LoadedConfig } from './config/load-policy.ts';
import type { RuntimeSettings } from './config/runtime.ts';
import { closeProviders, createProviders } from './providers/registry.ts';
import { Tasks } from './shared/tasks.ts';
import { createSlackApp, createTriggerClient, registerHandlers } from './slack/bot.ts';
import { channelsOf, checkChannels } from './slack/channel-readiness.ts';
import { describeMissingScopes, missingScopes } from './slack/scopes.ts';
import { DmChannels, type SlackClient } from './slack/client.ts';
import { SlackDirectory } from './slack/directory.ts';
import { SlackNotifier, type HomeRefresh } from './slack/notifier.ts';
import { publishHome } from './slack/app-home.ts';
import { scrubSlackWrites } from './slack/scrubbing-client.ts';
import { DEFAULT_CHECKPOINT_EVERY_MS, type Policy } from './domain/policy.ts';
import type { Logger } from './log.ts';
import {
  type ProviderRegistry,
  type Store,
  systemClock,
  type Clock,
  type Directory,
  type Notifier,
  type SecretVault,
} from './workflow/ports.ts';
import type { DataWorld } from './store/data-world.ts';
import { openStore } from './store/open-store.ts';
import { ReviewRequestFolder } from './store/review-requests.ts';
import { createWorkflow, type Workflow } from './workflow/index.ts';
import { MemorySecretVault } from './workflow/secret-vault.ts';
import { SealedSecretVault } from './workflow/sealed-vault.ts';
import { timeAcks } from './ops/ack-timing.ts';
import { instrumentProviders } from './ops/instrument-providers.ts';
import { BotMetrics } from './ops/metrics.ts';
import { dataDirProblem, readinessChecks } from './ops/readiness.ts';
import { opsRoutes } from './ops/routes.ts';
import type { DispatcherOptions } from './workflow/dispatcher.ts';

export interface ServicesOptions {
  policy: Policy;
  dataDir: string;
  /** DATABASE_URL: PostgreSQL instead of the data directory. */
  databaseUrl?: string;
  /** A store opened already (the bot opens it first: its Slack notifier keeps its message index there); else opened on `dataDir`. */
  store?: Store;
  providers: ProviderRegistry;
  notifier: Notifier;
  directory: Directory;
  log: Logger;
  clock?: Clock;
  delivery?: DispatcherOptions;
  /** False: record decisions only (the CLI); the bot carries them out and sends the notices. */
  active?: boolean;
  /** The sandbox says so: its data directory is never production's (default production). */
  world?: DataWorld;
  /** Counts audit events and decisions (the bot passes its metrics; the CLI and tests need none). */
  metrics?: BotMetrics;
  /** The executor's waits (recording retries, read-backs of changes); real by default, instant in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** `IAM_BOT_SEALING_KEY`, decoded: new secrets are sealed in the store; absent, they stay in memory. */
  sealingKey?: Buffer;
}

export interface Services extends Workflow {
  store: Store;
  vault: SecretVault;
  close(): Promise<void>;
}

export const dataFiles = (dataDir: string) => ({
  audit: join(dataDir, 'audit.jsonl'),
  state: join(dataDir, 'state.json'),
  archive: join(dataDir, 'archive.jsonl'),
});

export async function openServices(options: ServicesOptions): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await openStore(storeOptions(options, options.log)));
  // With a sealing key new secrets are sealed in the store (any replica, or a restarted bot, can reveal
  // them); without one they live in this process's memory only.
  const vault = options.sealingKey
    ? new SealedSecretVault(store.secrets, options.sealingKey, clock)
    : new MemorySecretVault(clock);
  const workflow = createWorkflow({
    policy: options.policy,
    store,
    audit: {
      append: async (records) => {
        const entries = await store.auditLog.append(records);
        for (const record of records) options.metrics?.audited(record, (id) => store.get(id));
        const last = entries.at(-1);
        return last ? { seq: last.seq, hash: last.hash, eventId: last.eventId } : store.auditLog.head();
      },
    },
    notifier: options.notifier,
    directory: options.directory,
    providers: options.providers,
    vault,
    clock,
    newId: randomUUID,
    log: options.log,
    ...(options.delivery ? { delivery: options.delivery } : {}),
    ...(options.active === false ? { active: false } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    // On the embedded store the command line cannot open the store while the bot runs: it leaves asks in a folder.
    ...(options.databaseUrl === undefined && options.active !== false
      ? { reviewRequests: new ReviewRequestFolder(options.dataDir) }
      : {}),
  });
  await workflow.recorder.flushAudit();
  workflow.executor.recover();
  // Notices committed before a stop or a crash go out now, in their order.
  workflow.dispatcher.kick();
  return {
    ...workflow,
    store,
    vault,
    async close() {
      await workflow.executor.settle();
      await workflow.dispatcher.stop();
      await workflow.recorder.flushAudit();
      await store.close();
    },
  };
}

/** Where the store is: the database when a URL is given, else the data directory. */
function storeOptions(options: { dataDir: string; databaseUrl?: string; world?: DataWorld }, log: Logger) {
  return {
    dataDir: options.dataDir,
    log,
    ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.world ? { world: options.world } : {}),
  };
}

export interface BotOptions {
  slack: RuntimeSettings['slack'];
  config: LoadedConfig;
  dataDir: string;
  /** DATABASE_URL: PostgreSQL instead of the data directory; several replicas may share it. */
  databaseUrl?: string;
  log: Logger;
  clock?: Clock;
  /** Adapters to use instead of the ones the policy configures (the sandbox and tests pass simulators'). */
  providers?: ProviderRegistry;
  /** How often time-driven transitions run (expiry, revokes, reveal deadlines); 0 turns the timer off. */
  tickMs?: number;
  /** How long `stop()` lets steps in flight finish before closing anyway (they resume at the next start). */
  graceMs?: number;
  delivery?: DispatcherOptions;
  world?: DataWorld;
  /** The executor's waits (see ServicesOptions.sleep). */
  sleep?: (ms: number) => Promise<void>;
  /** See ServicesOptions.sealingKey. */
  sealingKey?: Buffer;
}

export interface RunningBot {
  app: App;
  services: Services;
  /** The HTTP port in HTTP mode. */
  port?: number;
  /** The address the HTTP receiver listens on (all interfaces unless the settings name a host). */
  host?: string;
  /** Resolves when no Slack task, provider step or delivery is left in flight. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Everything, wired: Slack → workflow → store, audit log and providers. */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { config, log } = options;
  const policy = config.policy;
  const clock = options.clock ?? systemClock;
  // The metrics exist before the services they count (providers and the audit log are built with them).
  const opened: { services?: Services } = {};
  let draining = false;
  const metrics = new BotMetrics({
    openRequests: async () => (await opened.services?.store.openRequests()) ?? [],
    pendingNotices: async () => (await opened.services?.store.pendingNotices()) ?? [],
    now: () => clock.now(),
  });
  const providers = instrumentProviders(options.providers ?? createProviders(config.providers, { log }), metrics);
  // No retries and no queue behind a 429 (as for triggers): a probe must answer now, not in half an hour.
  const triggers = createTriggerClient({ slack: options.slack, log });
  scrubSlackWrites(triggers);
  const storeProblem = async () => {
    const store = opened.services?.store;
    if (!store) return 'store not open yet';
    return store.problem ? store.problem() : dataDirProblem(options.dataDir);
  };
  const routes = opsRoutes({
    metrics,
    checks: readinessChecks(storeProblem, triggers, clock),
    draining: () => draining,
  });
  const app = createSlackApp({ slack: options.slack, log, routes, draining: () => draining });
  scrubSlackWrites(app.client);
  timeAcks(app, metrics);
  // The store first: the notifier keeps where its messages are in it.
  const store = await openStore(storeOptions(options, log));
  const homes = (): HomeRefresh | undefined => {
    const service = opened.services?.service;
    return (
      service && {
        concerned: (request) => service.concernedWith(request),
        publish: (user) => publishHome({ service, policy, client: app.client }, user),
      }
    );
  };
  const notifier = new SlackNotifier(
    app.client,
    policy,
    store.messages,
    log,
    (eventId) => store.auditLog.entryOf(eventId),
    homes,
  );
  const directory = new SlackDirectory(app.client, clock, policy.managerField);
  const services = await openServices({
    policy,
    dataDir: options.dataDir,
    ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
    store,
    providers,
    notifier,
    directory,
    log,
    clock,
    metrics,
    ...(options.delivery ? { delivery: options.delivery } : {}),
    ...(options.world ? { world: options.world } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.sealingKey ? { sealingKey: options.sealingKey } : {}),
  });
  opened.services = services;
  await services.recorder.note('policy.loaded', { file: config.file, sha256: config.sha256 });
  const tasks = new Tasks(log);
  registerHandlers(app, {
    service: services.service,
    policy,
    client: app.client,
    triggers,
    dms: new DmChannels(app.client),
    tasks,
    log,
    reviews: services.reviews,
    showReviewPage: (reviewId, ref, message) => notifier.showReviewPage(reviewId, ref, message),
  });
  let port: number | undefined;
  let host: string | undefined;
  try {
    await app.init();
    const mode = options.slack.mode;
    if (mode.type === 'http') {
      const server = (await app.start(
        mode.host === undefined ? mode.port : { port: mode.port, host: mode.host },
      )) as Server;
      const address = server.address() as AddressInfo | null;
      port = address?.port ?? mode.port;
      host = address?.address;
    } else {
      await app.start();
    }
  } catch (error) {
    await services.close();
    await closeProviders(providers);
    throw error;
  }
  // In the background: a slow or rate-limiting Slack must not hold up the start.
  tasks.run('Slack readiness', () => reportSlackReadiness(app.client, policy, log));
  const tickMs = options.tickMs ?? 30_000;
  // Periodic work runs where the store says this process leads (always, on the embedded store). The
  // leader also starts steps and deliveries that a replica which died left behind.
  const leading = (name: string, work: () => Promise<unknown>) => () =>
    tasks.run(name, async () => {
      if (!store.leads || (await store.leads())) await work();
    });
  const tick = leading('tick', async () => {
    await services.service.tick();
    await services.reviews.tick();
    if (store.leads) {
      services.executor.recover();
      services.dispatcher.kick();
    }
  });
  const timer = tickMs > 0 ? setInterval(tick, tickMs) : undefined;
  timer?.unref();
  // Work that fell due while the bot was down (grants that ended, pending requests past their TTL) runs
  // now, not a tick period later.
  if (timer) tick();
  const sweeps =
    tickMs > 0
      ? setInterval(
          leading('sweep', () => services.sweeper.run()),
          policy.grants.sweepEveryMs,
        )
      : undefined;
  sweeps?.unref();
  const checkpointEvery = policy.audit.checkpointEveryMs ?? DEFAULT_CHECKPOINT_EVERY_MS;
  const checkpoints =
    tickMs > 0 && policy.audit.channel
      ? setInterval(
          leading('checkpoint', () => services.checkpoints.run()),
          checkpointEvery,
        )
      : undefined;
  checkpoints?.unref();
  let stopping: Promise<void> | undefined;
  const idle = async () => {
    while (tasks.busy || services.executor.busy || services.dispatcher.busy) {
      await tasks.settle();
      await services.executor.settle();
      await services.dispatcher.settle();
    }
  };
  return {
    app,
    services,
    ...(port !== undefined ? { port } : {}),
    ...(host !== undefined ? { host } : {}),
    idle,
    stop() {
      stopping ??= (async () => {
        draining = true;
        if (timer) clearInterval(timer);
        if (sweeps) clearInterval(sweeps);
        if (checkpoints) clearInterval(checkpoints);
        // HTTP mode keeps listening while the steps in flight finish: Slack's requests are refused and
        // /readyz answers 503 (draining), so the load balancer moves on. Socket Mode closes its connection now.
        const http = options.slack.mode.type === 'http';
        if (!http) await app.stop();
        const grace = options.graceMs ?? 10_000;
        let timeout: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          idle().then(() => true),
          new Promise<false>((resolve) => (timeout = setTimeout(() => resolve(false), grace))),
        ]);
        clearTimeout(timeout);
        if (http) await app.stop();
        if (!finished) {
          // The process is about to exit: what was in flight is persisted as under way and resumes at the next start.
          log.warn({ graceMs: grace }, 'stopping with steps still in flight; they resume at the next start');
          return;
        }
        await services.close();
        await closeProviders(providers);
      })();
      return stopping;
    },
  };
}

/**
 * Says at start whether the token holds every scope the bot needs and whether the bot can post in the audit
 * channel and each approval channel, and what to do if not. Start-up goes on either way: what works still
 * does, and each miss is reported.
 */
async function reportSlackReadiness(client: SlackClient, policy: Policy, log: Logger): Promise<void> {
  // An auth.test that fails here (Bolt's own at start passed) leaves the scopes unknown; the channels are still looked at.
  const scopes = await client.auth.test().then(
    (auth) => auth.response_metadata?.scopes,
    () => undefined,
  );
  const missing = missingScopes(scopes);
  if (missing && missing.length > 0)
    log.error({ missingScopes: missing.map((m) => m.scope) }, `Slack: ${describeMissingScopes(missing)}`);
  for (const r of await checkChannels(client, channelsOf(policy))) {
    if (r.ok) log.info({ channel: r.channel, purpose: r.purpose }, `the bot can post in ${r.name}`);
    else
      log.warn({ channel: r.channel, purpose: r.purpose }, `cannot post in ${r.channel} (${r.purpose}): ${r.problem}`);
  }
}
