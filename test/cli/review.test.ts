/**
 * `iam-bot review start` and `iam-bot review report` on the embedded store (issue 14 item 3): the ask waits
 * in the data directory while the bot holds the store, the running bot's tick starts it; the report reads
 * without the lock and gives per member the decision, by whom, when, the removal request, and the undecided.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Services } from '../../src/app.ts';
import type { Policy } from '../../src/domain/policy.ts';
import { reviewRef } from '../../src/domain/review.ts';
import { CSV_COLUMNS, type ReviewReport } from '../../src/workflow/review-report.ts';
import { cli } from '../support/cli.ts';
import { basePolicy, T0, tempDir } from '../support/fixtures.ts';
import { world, type World } from '../support/services.ts';

const DAY = 24 * 3_600_000;
const policy: Policy = {
  ...basePolicy,
  reviews: [{ itemId: 'cf-admins', reviewers: 'leads', deadlineMs: 7 * DAY, remindAfterMs: 3 * DAY }],
};
const POLICY_FILE = [
  'providers:',
  '  cf: { type: cloudflare, accountId: a1, token: env:CF_TOKEN }',
  'approvers:',
  '  leads: { users: [U0BOB, U0CAROL] }',
  'catalog:',
  '  - { id: cf-admins, provider: cf, kind: group.add, group: admins, approvers: [leads], maxDuration: 8h }',
  '  - { id: cf-other, provider: cf, kind: group.add, group: other, approvers: [leads], maxDuration: 8h }',
  'reviews:',
  '  - { item: cf-admins, reviewers: leads }',
].join('\n');

let dir: { path: string; remove(): Promise<void> };
let w: World;
let services: Services;
let config: string;

beforeEach(async () => {
  dir = await tempDir();
  w = world(dir.path);
  const group = new Set<string>();
  for (const n of [1, 2, 3]) group.add(w.provider.addUser(`m${n}@example.com`, `id-m${n}`).id);
  // A name that starts like a spreadsheet formula.
  group.add(w.provider.addUser('=cmd|calc', 'id-evil').id);
  w.provider.members.set('admins', group);
  services = await w.open(policy);
  config = join(dir.path, 'policy.yml');
  await writeFile(config, POLICY_FILE);
});
afterEach(async () => {
  await services.close();
  await dir.remove();
});

const start = (item = 'cf-admins') =>
  cli(['review', 'start', '--item', item, '--actor', 'U0ERIN', '--config', config, '--data', dir.path], {
    CF_TOKEN: 'x',
  });
const index = (members: readonly { id: string }[], id: string) => members.findIndex((m) => m.id === id);

describe('iam-bot review start', () => {
  it('leaves the ask for the running bot, which starts it at its tick; a second one is refused while it is open', async () => {
    const asked = await start();
    expect(asked.stderr).toBe('');
    expect(asked.code).toBe(0);
    const ref = /(RV-[0-9a-f]{8})/.exec(asked.stdout)?.[1];
    expect(ref).toBeDefined();
    expect(await readdir(join(dir.path, 'review-requests'))).toHaveLength(1);
    await services.reviews.tick();
    const [review] = await services.store.reviews.list();
    expect(review?.ref).toBe(ref);
    expect(review?.requestedBy).toBe('U0ERIN');
    expect(review?.status.state).toBe('open');
    expect(review?.members).toHaveLength(4);
    expect(await readdir(join(dir.path, 'review-requests'))).toEqual([]);
    // Taken twice (a tick that died before deleting it): still one review.
    await services.reviews.tick();
    expect(await services.store.reviews.list()).toHaveLength(1);

    const again = await start();
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${ref} of cf-admins is still open`);
    expect(await readdir(join(dir.path, 'review-requests'))).toEqual([]);
  });

  it('refuses an item the policy does not review, naming those it does; --item is required', async () => {
    const other = await start('cf-other');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('has no review of "cf-other" (reviewed items: cf-admins)');
    const missing = await cli(['review', 'start', '--config', config, '--data', dir.path], { CF_TOKEN: 'x' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('review start needs --item');
  });
});

describe('iam-bot review report', () => {
  it('gives per member the decision, by whom and when, the removal and its state, and lists the undecided', async () => {
    const review = await services.reviews.request('cf-admins', 'U_ADMIN');
    await services.reviews.tick();
    const open = await services.reviews.get(review.id);
    w.clock.advance(60_000);
    await services.reviews.decide('U_BOB', review.id, index(open.members, 'id-m1'), 'keep');
    w.clock.advance(60_000);
    await services.reviews.decide('U_CAROL', review.id, index(open.members, 'id-m2'), 'remove');
    await services.executor.settle();
    w.clock.advance(7 * DAY);
    await services.reviews.tick();
    await services.executor.settle();

    // Read while the bot holds the store.
    const csv = await cli(['review', 'report', '--data', dir.path]);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.split('\r\n').filter((l) => l !== '');
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    const byMember = (id: string) => rows.find((r) => r.includes(`,${id},`));
    const deadline = new Date(T0 + 7 * DAY).toISOString();
    expect(byMember('id-m1')).toBe(
      `${review.ref},cf-admins,cf,admins,closed,${deadline},id-m1,m1@example.com,keep,U_BOB,${new Date(T0 + 60_000).toISOString()},,`,
    );
    expect(byMember('id-m2')).toBe(
      `${review.ref},cf-admins,cf,admins,closed,${deadline},id-m2,m2@example.com,remove,U_CAROL,${new Date(T0 + 120_000).toISOString()},REQ-0001,completed`,
    );
    expect(byMember('id-m3')).toBe(
      `${review.ref},cf-admins,cf,admins,closed,${deadline},id-m3,m3@example.com,undecided,,,,`,
    );
    expect(byMember('id-evil')).toContain(`,'=cmd|calc,undecided,`);
    expect(rows).toHaveLength(5);

    const json = await cli([
      'review',
      'report',
      '--format',
      'json',
      '--review',
      reviewRef(review.id),
      '--data',
      dir.path,
    ]);
    expect(json.code).toBe(0);
    const [report] = JSON.parse(json.stdout) as ReviewReport[];
    expect(report?.counts).toEqual({ members: 4, kept: 1, removed: 1, undecided: 2 });
    expect(report?.undecided.map((m) => m.id).sort()).toEqual(['id-evil', 'id-m3']);
    expect(report?.members.find((m) => m.id === 'id-m2')).toMatchObject({
      decision: 'remove',
      by: 'U_CAROL',
      removal: { ref: 'REQ-0001', state: 'completed' },
    });
    expect(w.provider.members.get('admins')?.has('id-m2')).toBe(false);
    expect(w.provider.members.get('admins')?.has('id-m3')).toBe(true);
  });

  it('refuses an unknown review, and a format other than csv or json', async () => {
    const unknown = await cli(['review', 'report', '--review', 'RV-00000000', '--data', dir.path]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('there is no access review RV-00000000');
    const xml = await cli(['review', 'report', '--format', 'xml', '--data', dir.path]);
    expect(xml.code).toBe(2);
    expect(xml.stderr).toContain('--format must be csv or json');
  });
});
