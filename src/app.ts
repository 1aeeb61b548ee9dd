/**
 * Composition root: the only place that wires configuration, storage, the audit log, providers and the
 * workflow together. Open order matters: the audit log first, so the store learns which outbox events
 * already reached it; then anything left in the outbox is written before new work starts.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AuditLog } from './audit/audit-log.ts';
import type { Policy } from './domain/policy.ts';
import type { Logger } from './log.ts';
import type { ProviderRegistry } from './providers/port.ts';
import { LowdbStore } from './store/lowdb-store.ts';
import { createWorkflow, type Workflow } from './workflow/index.ts';
import { systemClock, type Clock, type Directory, type Notifier } from './workflow/ports.ts';
import { MemorySecretVault } from './workflow/secret-vault.ts';

export interface ServicesOptions {
  policy: Policy;
  dataDir: string;
  providers: ProviderRegistry;
  notifier: Notifier;
  directory: Directory;
  log: Logger;
  clock?: Clock;
}

export interface Services extends Workflow {
  store: LowdbStore;
  auditLog: AuditLog;
  vault: MemorySecretVault;
  close(): Promise<void>;
}

export const dataFiles = (dataDir: string) => ({
  audit: join(dataDir, 'audit.jsonl'),
  state: join(dataDir, 'state.json'),
  archive: join(dataDir, 'archive.jsonl'),
});

export async function openServices(options: ServicesOptions): Promise<Services> {
  const clock = options.clock ?? systemClock;
  // The store takes the directory lock; the audit log is opened only once the lock is held.
  const store = await LowdbStore.open({ dataDir: options.dataDir });
  let auditLog: AuditLog;
  try {
    auditLog = await AuditLog.open(dataFiles(options.dataDir).audit);
  } catch (error) {
    await store.close();
    throw error;
  }
  const head = auditLog.head();
  if (head) store.auditWritten(head);
  const vault = new MemorySecretVault(clock);
  const workflow = createWorkflow({
    policy: options.policy,
    store,
    audit: {
      append: async (records) => {
        await auditLog.append(records);
        return auditLog.head();
      },
    },
    notifier: options.notifier,
    directory: options.directory,
    providers: options.providers,
    vault,
    clock,
    newId: randomUUID,
    log: options.log,
  });
  await workflow.recorder.flushAudit();
  workflow.executor.recover();
  return {
    ...workflow,
    store,
    auditLog,
    vault,
    async close() {
      await workflow.executor.settle();
      await workflow.recorder.flushAudit();
      await auditLog.close();
      await store.close();
    },
  };
}
