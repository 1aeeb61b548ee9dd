/** A workflow wired to a real store in a temp dir and in-memory ports. */
import { randomUUID } from 'node:crypto';
import type { Policy } from '../../src/domain/policy.ts';
import { createLogger } from '../../src/log.ts';
import { LowdbStore } from '../../src/store/lowdb-store.ts';
import { createWorkflow, type Workflow } from '../../src/workflow/index.ts';
import { MemorySecretVault } from '../../src/workflow/secret-vault.ts';
import { SealedSecretVault } from '../../src/workflow/sealed-vault.ts';
import type { SecretVault } from '../../src/workflow/ports.ts';
import { FakeClock, MemoryAuditSink, MemoryDirectory, MemoryProvider, RecordingNotifier } from './doubles.ts';
import { T0, basePolicy, tempDir } from './fixtures.ts';

export interface Harness extends Workflow {
  store: LowdbStore;
  audit: MemoryAuditSink;
  notifier: RecordingNotifier;
  directory: MemoryDirectory;
  provider: MemoryProvider;
  clock: FakeClock;
  vault: SecretVault;
  dataDir: string;
  /** Waits the notice dispatcher asked for (they do not really wait). */
  sleeps: number[];
  /** After this many retry waits the dispatcher stops, as a stopping process would. */
  stopDeliveriesAfter(waits: number): void;
  /** Resolves when provider steps and notice deliveries in flight are done. */
  settle(): Promise<void>;
  /** Lets running steps finish, then closes the store and builds a fresh workflow on the same data. */
  restart(): Promise<Harness>;
  /** Closes the store and builds a fresh workflow on the same data without waiting: a crash mid-step. */
  reopen(): Promise<Harness>;
  /** `reopen` with another sealing key (undefined: none). */
  reopenWith(sealingKey: Buffer | undefined): Promise<Harness>;
  close(): Promise<void>;
}

/** `sealingKey`: new secrets are sealed in the store (SealedSecretVault), as `iam-bot start` does with IAM_BOT_SEALING_KEY. */
export async function createHarness(
  policy: Policy = basePolicy,
  options: { sealingKey?: Buffer } = {},
): Promise<Harness> {
  const dir = await tempDir();
  const provider = new MemoryProvider('cf');
  provider.addUser('alice@example.com');
  const directory = new MemoryDirectory();
  directory.emails.set('U_ALICE', 'alice@example.com');
  return build(policy, dir, provider, directory, new FakeClock(T0), new MemoryAuditSink(), options.sealingKey);
}

async function build(
  policy: Policy,
  dir: { path: string; remove(): Promise<void> },
  provider: MemoryProvider,
  directory: MemoryDirectory,
  clock: FakeClock,
  audit: MemoryAuditSink,
  sealingKey: Buffer | undefined,
): Promise<Harness> {
  const store = await LowdbStore.open({ dataDir: dir.path });
  audit.log = store.auditLog;
  const notifier = new RecordingNotifier();
  const vault = sealingKey ? new SealedSecretVault(store.secrets, sealingKey, clock) : new MemorySecretVault(clock);
  const sleeps: number[] = [];
  let stopAfter = Infinity;
  const workflow = createWorkflow({
    policy,
    store,
    audit,
    notifier,
    directory,
    providers: new Map([[provider.id, provider]]),
    vault,
    clock,
    newId: randomUUID,
    log: createLogger({ level: 'silent' }),
    sleep: async () => undefined,
    delivery: {
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length >= stopAfter) void workflow.dispatcher.stop();
      },
    },
  });
  const harness: Harness = {
    ...workflow,
    store,
    audit,
    notifier,
    directory,
    provider,
    clock,
    vault,
    dataDir: dir.path,
    sleeps,
    stopDeliveriesAfter(waits) {
      stopAfter = waits;
    },
    async settle() {
      while (workflow.executor.busy || workflow.dispatcher.busy) {
        await workflow.executor.settle();
        await workflow.dispatcher.settle();
      }
    },
    async restart() {
      await harness.settle();
      return harness.reopen();
    },
    reopen() {
      return harness.reopenWith(sealingKey);
    },
    async reopenWith(key) {
      await store.close();
      return build(policy, dir, provider, directory, clock, audit, key);
    },
    async close() {
      await harness.settle();
      await store.close();
      await dir.remove();
    },
  };
  return harness;
}
