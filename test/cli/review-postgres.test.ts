/** `iam-bot review start` and `review report` with DATABASE_URL: the ask goes through the store, for the leading replica. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { ReviewReport } from '../../src/workflow/review-report.ts';
import { cli } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../support/postgres.ts';

const POLICY_FILE = [
  'providers:',
  '  cf: { type: cloudflare, accountId: a1, token: env:CF_TOKEN }',
  'approvers:',
  '  leads: { users: [U0BOB, U0CAROL] }',
  'catalog:',
  '  - { id: cf-admins, provider: cf, kind: group.add, group: admins, approvers: [leads], maxDuration: 8h }',
  'reviews:',
  '  - { item: cf-admins, reviewers: leads }',
].join('\n');

describe.skipIf(postgresUnavailable())('review commands on PostgreSQL', () => {
  let server: TestPostgres;
  let url: string;
  let dir: { path: string; remove(): Promise<void> };
  let config: string;
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase();
    await (await PostgresStore.open({ url })).close();
    dir = await tempDir();
    config = join(dir.path, 'policy.yml');
    await writeFile(config, POLICY_FILE);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await dir?.remove();
  });

  it('start writes the review to the database, requested; a second is refused; report reads it', async () => {
    const env = { DATABASE_URL: url, CF_TOKEN: 'x' };
    const args = ['review', 'start', '--item', 'cf-admins', '--actor', 'U0ERIN', '--config', config];
    const asked = await cli(args, env);
    expect(asked).toMatchObject({ code: 0, stderr: '' });
    const store = await PostgresStore.open({ url });
    try {
      const open = await store.reviews.open();
      expect(open.map((r) => [r.itemId, r.requestedBy, r.status.state])).toEqual([
        ['cf-admins', 'U0ERIN', 'requested'],
      ]);
      expect(asked.stdout).toContain(open[0]?.ref);
      const events: string[] = [];
      for await (const entry of store.auditLog.read()) events.push(entry.event);
      expect(events).toContain('review.requested');
    } finally {
      await store.close();
    }
    const again = await cli(args, env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is still requested');
    const report = await cli(['review', 'report', '--format', 'json'], env);
    expect(report.code).toBe(0);
    const [review] = JSON.parse(report.stdout) as ReviewReport[];
    expect(review).toMatchObject({ item: 'cf-admins', state: 'requested', requestedBy: 'U0ERIN', members: [] });
  }, 60_000);
});
