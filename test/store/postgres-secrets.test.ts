/**
 * No secret in clear in the database: a key rotation runs end to end through the workflow on the
 * PostgreSQL store with its secrets sealed there (IAM_BOT_SEALING_KEY), and the whole database, as
 * `pg_dump` writes it, is searched for the new key's value while it waits sealed and after its reveal.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../src/domain/policy.ts';
import type { Secret } from '../../src/domain/secret.ts';
import { createLogger } from '../../src/log.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { createWorkflow } from '../../src/workflow/index.ts';
import { SealedSecretVault } from '../../src/workflow/sealed-vault.ts';
import { FakeClock, MemoryDirectory, MemoryProvider, RecordingNotifier } from '../support/doubles.ts';
import { basePolicy, T0 } from '../support/fixtures.ts';
import { postgresUnavailable, useTestPostgres } from '../support/postgres.ts';

const keyItem: CatalogItem = {
  id: 'cf-key',
  title: 'CF key',
  provider: 'cf',
  kind: 'key.rotate',
  stages: [{ set: 'leads', quorum: 1 }],
  requireReason: false,
};
const ALICE = 'user-alice@example.com';

describe.skipIf(postgresUnavailable())('secrets and PostgreSQL', () => {
  const pg = useTestPostgres();

  it('a key rotation, revealed and confirmed, leaves no secret value anywhere in the database', async () => {
    const url = await pg.server().createDatabase();
    const store = await PostgresStore.open({ url });
    const provider = new MemoryProvider('cf');
    provider.addUser('alice@example.com');
    provider.accessKeys.set(ALICE, [{ id: 'old-key', status: 'active' }]);
    const directory = new MemoryDirectory();
    directory.emails.set('U_ALICE', 'alice@example.com');
    const clock = new FakeClock(T0);
    const workflow = createWorkflow({
      policy: { ...basePolicy, catalog: [keyItem] },
      store,
      audit: { append: async (records) => (await store.auditLog.append(records)).at(-1) ?? store.auditLog.head() },
      notifier: new RecordingNotifier(),
      directory,
      providers: new Map([[provider.id, provider]]),
      // As with DATABASE_URL in production: the secret waits for its reveal sealed, in the database.
      vault: new SealedSecretVault(store.secrets, randomBytes(32), clock),
      clock,
      newId: randomUUID,
      log: createLogger({ level: 'silent' }),
      sleep: async () => undefined,
    });
    const settle = async () => {
      while (workflow.executor.busy || workflow.dispatcher.busy) {
        await workflow.executor.settle();
        await workflow.dispatcher.settle();
      }
    };
    try {
      const request = await workflow.service.submit({ requester: 'U_ALICE', itemId: 'cf-key', reason: '' });
      await workflow.service.approve('U_BOB', request.ref);
      await settle();
      // Waiting for its owner: stored (sealed), yet not in clear.
      const waiting = pg.server().dump(url);
      expect(waiting).toMatch(/COPY public\.secrets[^\n]*\n[^\n]*sealed/);
      expect(waiting).not.toContain('do-not-leak');
      let shown: Secret | undefined;
      await workflow.service.revealSecret('U_ALICE', request.ref, async (_r, secret) => {
        shown = secret;
        return true;
      });
      const value = shown?.reveal();
      expect(value).toBe(`SECRET-${ALICE}-key-1-do-not-leak`);
      await workflow.service.confirmRotation('U_ALICE', request.ref);
      await settle();
      expect((await store.get(request.id))?.status.state).toBe('completed');
      const dump = pg.server().dump(url);
      // The dump holds the data (the request, its audit chain), so the search is not vacuous.
      expect(dump).toContain('rotation.revealed');
      expect(dump).not.toContain(value);
      expect(dump).not.toContain('do-not-leak');
    } finally {
      await workflow.dispatcher.stop();
      await store.close();
    }
  });
});
