/** The commands that read the store work on PostgreSQL when DATABASE_URL is set. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/domain/audit-event.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { cli } from '../support/cli.ts';
import { apply, makeRequest, T0 } from '../support/fixtures.ts';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../support/postgres.ts';

const event = (eventId: string, requestId: string): AuditRecord => ({
  eventId,
  time: T0,
  requestId,
  actor: 'U_ALICE',
  event: 'request.submitted',
  details: { n: eventId },
});

describe.skipIf(postgresUnavailable())('commands on PostgreSQL', () => {
  let server: TestPostgres;
  let url: string;
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase();
    const store = await PostgresStore.open({ url });
    for (let i = 0; i < 3; i++) {
      const request = makeRequest(await store.reserveNumber());
      await store.commit({ request, expectedVersion: null, audit: [event(`submit-${i}`, request.id)] });
      if (i === 0)
        await store.commit({
          request: apply(request, { type: 'deny', actor: 'U_BOB', eligible: true, reason: 'no' }),
          expectedVersion: 1,
          audit: [event('deny', request.id)],
        });
    }
    await store.close();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('requests list', async () => {
    const result = await cli(['requests', 'list', '--state', 'pending'], { DATABASE_URL: url });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/REQ-0002\tpending\t[\s\S]*REQ-0003\tpending\t[\s\S]*2 requests\n$/);
  });

  it('audit export writes the lines as stored, and --after-seq resumes', async () => {
    const all = await cli(['audit', 'export'], { DATABASE_URL: url });
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).eventId)).toEqual(['submit-0', 'deny', 'submit-1', 'submit-2']);
    const rest = await cli(['audit', 'export', '--after-seq', '2'], { DATABASE_URL: url });
    expect(rest.stdout.trimEnd().split('\n')).toEqual(lines.slice(2));
  });

  it('audit verify: intact, then broken where a row was edited', async () => {
    const intact = await cli(['audit', 'verify'], { DATABASE_URL: url });
    expect(intact).toMatchObject({ code: 0, stderr: '' });
    expect(intact.stdout).toMatch(
      /^PostgreSQL at 127\.0\.0\.1:\d+\/iam_bot_test_\w+: intact, 4 entries, last seq 4 hash [0-9a-f]{64}\n$/,
    );
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`UPDATE audit_log SET line = replace(line, '"n":"deny"', '"n":"okay"') WHERE seq = 2`);
    await admin.end();
    const broken = await cli(['audit', 'verify'], { DATABASE_URL: url });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/: broken at seq 2: line 2 is hash does not match its content \(edited\)/);
  });
});
