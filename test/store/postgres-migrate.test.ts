import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/store/postgres/connection.ts';
import { LATEST_VERSION, LOCKS, LOCK_NAMESPACE, migrate, schemaVersion } from '../../src/store/postgres/migrate.ts';
import { MIGRATIONS } from '../../src/store/postgres/migrations/index.ts';
import { StoreOpenError } from '../../src/shared/store-open-error.ts';
import { cli } from '../support/cli.ts';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../support/postgres.ts';

describe.skipIf(postgresUnavailable())('PostgreSQL migrations', () => {
  let server: TestPostgres;
  const pools: pg.Pool[] = [];
  const pool = (url: string) => {
    const p = openPool(url);
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await server?.stop();
  });

  const versions = async (p: pg.Pool) =>
    (await p.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map(
      (r) => r.version,
    );

  it('applies every migration once, and nothing on a second run', async () => {
    const db = pool(await server.createDatabase());
    expect(await schemaVersion(db)).toBe(0);
    expect(await migrate(db)).toEqual({ applied: MIGRATIONS.map((m) => m.version), version: LATEST_VERSION });
    expect(await migrate(db)).toEqual({ applied: [], version: LATEST_VERSION });
    expect(await versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await schemaVersion(db)).toBe(LATEST_VERSION);
  });

  it("a database of the previous release with notices waiting: migration 4 gives each its subject (its request's, its review's, or its own id)", async () => {
    const db = pool(await server.createDatabase());
    await migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 3),
    );
    // Bodies as the previous release wrote them; only the fields the subject is made of matter here.
    for (const [id, body] of [
      ['n1', { id: 'n1', event: 'request.submitted', request: { id: 'r1', ref: 'REQ-0001' } }],
      ['n2', { id: 'n2', event: 'review.started', review: { id: 'rv1' } }],
      ['s1', { id: 's1', event: 'sweep.found' }],
      ['n3', { id: 'n3', event: 'request.approved', request: { id: 'r1', ref: 'REQ-0001' } }],
    ] as const)
      await db.query('INSERT INTO notices (id, body) VALUES ($1, $2)', [id, body]);
    expect((await migrate(db)).applied).toEqual(MIGRATIONS.filter((m) => m.version > 3).map((m) => m.version));
    const { rows } = await db.query<{ id: string; subject: string }>(
      'SELECT id, subject FROM notices ORDER BY position',
    );
    expect(rows).toEqual([
      { id: 'n1', subject: 'r1' },
      { id: 'n2', subject: 'rv1' },
      { id: 's1', subject: 's1' },
      { id: 'n3', subject: 'r1' },
    ]);
  });

  it('two migrators at once: one applies, the other waits its turn and finds the schema current', async () => {
    const url = await server.createDatabase();
    const holder = pool(url);
    const [a, b] = [pool(url), pool(url)];
    // Hold the lock so both migrators are certainly waiting for it together before either runs.
    const held = await holder.connect();
    await held.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, LOCKS.migrate]);
    const both = Promise.all([migrate(a), migrate(b)]);
    while (
      Number(
        (await holder.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0]
          .n,
      ) < 2
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await held.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCKS.migrate]);
    held.release();
    const results = await both;
    expect(results.map((r) => r.applied).sort((x, y) => y.length - x.length)).toEqual([
      MIGRATIONS.map((m) => m.version),
      [],
    ]);
    expect(await versions(a)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('refuses a schema newer than this release and leaves it untouched', async () => {
    const db = pool(await server.createDatabase());
    await migrate(db);
    await db.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
    const refused = await migrate(db).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoreOpenError);
    expect((refused as Error).message).toContain('version 999, newer than this iam-bot knows');
    expect(await versions(db)).toEqual([...MIGRATIONS.map((m) => m.version), 999]);
  });

  it('a failing migration leaves the schema at the previous version, with none of its changes', async () => {
    const db = pool(await server.createDatabase());
    const broken = [
      ...MIGRATIONS,
      {
        version: LATEST_VERSION + 1,
        name: 'broken',
        sql: 'CREATE TABLE half_done (a int); SELECT no_such_function();',
      },
    ];
    const failed = await migrate(db, broken).catch((e: unknown) => e);
    expect((failed as Error).message).toMatch(
      new RegExp(`^migration ${LATEST_VERSION + 1} \\(broken\\) failed: .*no_such_function`),
    );
    expect(await schemaVersion(db)).toBe(LATEST_VERSION);
    expect((await db.query("SELECT to_regclass('half_done') AS t")).rows[0].t).toBeNull();
  });

  it('iam-bot db migrate applies the schema, then finds it current', async () => {
    const url = await server.createDatabase();
    const first = await cli(['db', 'migrate'], { DATABASE_URL: url });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(
      new RegExp(
        `/iam_bot_test_\\w+: schema version ${LATEST_VERSION} \\(applied ${MIGRATIONS.map((m) => m.version).join(', ')}\\)`,
      ),
    );
    const again = await cli(['db', 'migrate'], { DATABASE_URL: url });
    expect(again.stdout).toContain(`schema version ${LATEST_VERSION} (already current)`);
  });
});

describe('iam-bot db migrate without a database', () => {
  it('says DATABASE_URL is needed', async () => {
    const result = await cli(['db', 'migrate'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL is not set');
  });

  it('names an unreachable database without its password', async () => {
    // Port 1 on 127.0.0.1: nothing listens there, so the connection is refused at once.
    const result = await cli(['db', 'migrate'], { DATABASE_URL: 'postgres://bot:hunter2secret@127.0.0.1:1/iam' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot use the database at 127.0.0.1:1/iam');
    expect(result.stderr).not.toContain('hunter2secret');
  });
});
