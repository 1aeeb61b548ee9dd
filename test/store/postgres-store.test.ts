/**
 * What the PostgreSQL store adds to the Store contract (test/store/postgres-contract.test.ts runs that):
 * several processes on one database. Each "replica" here is its own store with its own connection pool,
 * as separate processes are, from the database's point of view.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyLines } from '../../src/audit/verify.ts';
import type { AuditRecord } from '../../src/domain/audit-event.ts';
import { StoreConflictError } from '../../src/workflow/ports.ts';
import { AdvisoryLeader } from '../../src/store/postgres/leader.ts';
import { openStore } from '../../src/store/open-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { captureLog } from '../support/capture-log.ts';
import { apply, makeRequest, T0 } from '../support/fixtures.ts';
import { postgresUnavailable, useTestPostgres } from '../support/postgres.ts';

const event = (eventId: string, requestId?: string): AuditRecord => ({
  eventId,
  time: T0,
  ...(requestId ? { requestId } : {}),
  actor: 'U_ALICE',
  event: 'request.submitted',
  details: { n: eventId },
});

describe.skipIf(postgresUnavailable())('PostgresStore across replicas', () => {
  const db = useTestPostgres();
  const opened: { close(): Promise<void> }[] = [];
  const replicas = async (url: string, n: number) => {
    const stores: PostgresStore[] = [];
    for (let i = 0; i < n; i++) stores.push(await PostgresStore.open({ url }));
    opened.push(...stores);
    return stores;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('commits from two replicas at once make one unbroken chain, each change with its own events', async () => {
    const [a, b] = await replicas(await db.server().createDatabase(), 2);
    const commits = Array.from({ length: 60 }, async (_, i) => {
      const store = i % 2 === 0 ? a! : b!;
      const request = makeRequest(await store.reserveNumber());
      await store.commit({
        request,
        expectedVersion: null,
        audit: [event(`${request.id}-1`, request.id), event(`${request.id}-2`, request.id)],
      });
    });
    await Promise.all(commits);
    const verified = await verifyLines(a!.auditLog.lines());
    expect(verified).toMatchObject({ ok: true, count: 120 });
    // A change's events are adjacent in the chain: appended in its transaction, nobody else's in between.
    const entries = [];
    for await (const entry of b!.auditLog.read()) entries.push(entry);
    for (let i = 0; i < entries.length; i += 2)
      expect(entries[i]!.eventId.replace(/-1$/, '')).toBe(entries[i + 1]!.eventId.replace(/-2$/, ''));
    expect(await b!.auditHead()).toEqual(verified.ok ? verified.head : undefined);
  });

  it('of two replicas changing the same version, one wins; the loser wrote nothing, not even its audit events', async () => {
    const [a, b] = await replicas(await db.server().createDatabase(), 2);
    const request = makeRequest(await a!.reserveNumber());
    await a!.commit({ request, expectedVersion: null, audit: [] });
    const byBob = apply(request, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 });
    const byCarol = apply(request, { type: 'approve', actor: 'U_CAROL', eligible: true, stage: 0 });
    const results = await Promise.allSettled([
      a!.commit({ request: byBob, expectedVersion: 1, audit: [event('bob')] }),
      b!.commit({ request: byCarol, expectedVersion: 1, audit: [event('carol')] }),
    ]);
    const lost = results.filter((r) => r.status === 'rejected');
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(StoreConflictError);
    const winner = results[0]!.status === 'fulfilled' ? 'bob' : 'carol';
    expect(await a!.auditLog.entryOf(winner)).toMatchObject({ seq: 1 });
    expect(await a!.auditLog.entryOf(winner === 'bob' ? 'carol' : 'bob')).toBeUndefined();
    expect((await b!.get(request.id))?.approvals.map((x) => x.by)).toEqual([winner === 'bob' ? 'U_BOB' : 'U_CAROL']);
  });

  it('request numbers are never handed out twice, whichever replica asks', async () => {
    const [a, b] = await replicas(await db.server().createDatabase(), 2);
    const numbers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a! : b!).reserveNumber()));
    expect(new Set(numbers).size).toBe(40);
  });

  it('a lease is held by one claimant at a time, and passes to another worker when its holder stops renewing', async () => {
    const [a, b] = await replicas(await db.server().createDatabase(), 2);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a! : b!).leases.claim('execute:id-1', `worker-${i}`, T0, 30_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const holder = `worker-${claims.indexOf(true)}`;
    // The holder dies: nobody renews. Until the lease ends nobody else gets the work; then one does.
    expect(await b!.leases.claim('execute:id-1', 'worker-new', T0 + 29_999, 30_000)).toBe(false);
    expect(await b!.leases.claim('execute:id-1', 'worker-new', T0 + 30_000, 30_000)).toBe(true);
    // The old holder, back too late, can neither renew nor take it back.
    expect(await a!.leases.renew('execute:id-1', holder, T0 + 30_001, 30_000)).toBe(false);
    expect(await a!.leases.claim('execute:id-1', holder, T0 + 30_001, 30_000)).toBe(false);
    await a!.leases.release('execute:id-1', holder);
    expect(await a!.leases.renew('execute:id-1', 'worker-new', T0 + 40_000, 30_000)).toBe(true);
  });

  it('one leader for the periodic work; when its process dies, another replica leads', async () => {
    const url = await db.server().createDatabase();
    const [first, second] = [new AdvisoryLeader(url), new AdvisoryLeader(url)];
    opened.push(first, second);
    expect(await first.lead()).toBe(true);
    expect(await second.lead()).toBe(false);
    expect(await first.lead()).toBe(true);
    // The leader's connection is cut, as when its process is killed: the database frees the lock at once.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = 2",
    );
    await admin.end();
    expect(await second.lead()).toBe(true);
    expect(await first.lead()).toBe(false);
  });

  it('the bot opens PostgreSQL when given DATABASE_URL, migrating it, and its readiness follows the database', async () => {
    const url = await db.server().createDatabase();
    const { log, text } = captureLog();
    const store = await openStore({ dataDir: '/nonexistent', databaseUrl: url, log });
    opened.push(store);
    expect(store).toBeInstanceOf(PostgresStore);
    expect(text()).toContain('database schema migrated to version');
    expect(await store.problem?.()).toBeUndefined();
    expect(await store.leads?.()).toBe(true);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('DELETE FROM schema_migrations');
    await admin.end();
    expect(await store.problem?.()).toMatch(/^database schema at version 0, this release needs \d+$/);
  });
});
