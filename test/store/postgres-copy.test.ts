import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/domain/audit-event.ts';
import type { RequestNotice } from '../../src/domain/notice.ts';
import type { Request } from '../../src/domain/request.ts';
import { LowdbStore } from '../../src/store/lowdb-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { cli } from '../support/cli.ts';
import { apply, makeRequest, T0, tempDir } from '../support/fixtures.ts';
import { postgresUnavailable, useTestPostgres } from '../support/postgres.ts';

const event = (eventId: string, requestId: string): AuditRecord => ({
  eventId,
  time: T0,
  requestId,
  actor: 'U_ALICE',
  event: 'request.submitted',
  details: { n: eventId },
});
const LIMIT = { count: 3, windowMs: 3_600_000 };
const HOUR = 3_600_000;
const noticeOf = (id: string, request: Request): RequestNotice => ({
  id,
  event: 'request.submitted',
  request,
  actor: 'U_ALICE',
});

/** An embedded store with history: closed and open requests, a written log, an event and a notice still waiting. */
async function embeddedStore(dataDir: string): Promise<void> {
  const store = await LowdbStore.open({ dataDir });
  for (let i = 0; i < 5; i++) {
    const request = makeRequest(await store.reserveNumber(), { requester: `U_${i}` });
    await store.commit({ request, expectedVersion: null, audit: [event(`submit-${i}`, request.id)] });
    if (i % 2 === 0) {
      const denied = apply(request, { type: 'deny', actor: 'U_BOB', eligible: true, reason: 'no' });
      await store.commit({ request: denied, expectedVersion: 1, audit: [event(`deny-${i}`, request.id)] });
    }
    await store.messages.update(request.id, (refs) => ({ ...refs, audit: { channel: 'C_AUDIT', ts: `1.${i}` } }));
  }
  const entries = await store.auditLog.append(await store.pendingAudit());
  await store.auditWritten({ seq: entries.at(-1)!.seq, hash: entries.at(-1)!.hash, eventId: entries.at(-1)!.eventId });
  const last = makeRequest(await store.reserveNumber());
  await store.commit({
    request: last,
    expectedVersion: null,
    audit: [event('not-yet-logged', last.id)],
    notices: [noticeOf('n-last', last)],
  });
  await store.messages.markPart('n-last', 'audit-reply');
  await store.messages.markFailed('n-last', { part: 'ask:U0GONE', to: { user: 'U0GONE' }, code: 'user_not_found' });
  await store.messages.intend('n-last:requester', T0 + 5);
  await store.messages.update(last.id, (refs) => ({
    ...refs,
    approvals: [{ channel: 'D_BOB', ts: '2.1', stage: 0, settled: false, user: 'U_BOB' }],
  }));
  // Alice submitted twice within the rate limit's window.
  expect(await store.submissions.take('U_ALICE', T0, LIMIT)).toBe(true);
  expect(await store.submissions.take('U_ALICE', T0 + 1_000, LIMIT)).toBe(true);
  // Alice's one use a day of an auto-approval rule is spent.
  expect(await store.uses.take('rule:cf-admins:on-call:U_ALICE', T0, { count: 1, windowMs: 24 * HOUR })).toBe(true);
  // A secret waiting for its owner, and one already shown (only that fact is kept).
  await store.secrets.put({ requestId: last.id, owner: 'U_ALICE', sealed: 'v1.sealed-envelope', expiresAt: T0 + HOUR });
  await store.secrets.put({ requestId: 'id-1', owner: 'U_0', sealed: 'v1.other-envelope', expiresAt: T0 + HOUR });
  expect(await store.secrets.lend('id-1', 'U_0', T0, T0 + 60_000)).toMatchObject({ ok: true });
  await store.secrets.spend('id-1');
  await store.close();
}

describe.skipIf(postgresUnavailable())('iam-bot store copy', () => {
  const pg = useTestPostgres();
  let dir: Awaited<ReturnType<typeof tempDir>>;
  afterEach(async () => {
    await dir?.remove();
  });

  it('moves every section (requests, the log line for line, notices, the Slack message index, counters, sealed secrets) and verifies the chain', async () => {
    dir = await tempDir();
    await embeddedStore(dir.path);
    const url = await pg.server().createDatabase();
    const result = await cli(['store', 'copy', '--to', url, '--data', dir.path]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /: 6 requests, 9 audit entries, 1 notices to deliver, 6 requests' Slack messages, 1 post intents, 1 submitters' counters, 1 allowance counters, 2 sealed secrets, chain verified up to seq 9 hash [0-9a-f]{64}\n$/,
    );

    const source = await LowdbStore.open({ dataDir: dir.path });
    const copy = await PostgresStore.open({ url });
    try {
      expect(await copy.list()).toEqual(await source.list());
      const fileLines = (await readFile(join(dir.path, 'audit.jsonl'), 'utf8')).trimEnd().split('\n');
      const copied: string[] = [];
      for await (const line of copy.auditLog.lines()) copied.push(line);
      // The same entries with the same hashes, then the event that was still waiting for the log.
      expect(copied.slice(0, fileLines.length)).toEqual(fileLines);
      expect(JSON.parse(copied.at(-1)!)).toMatchObject({ seq: 9, eventId: 'not-yet-logged' });
      expect((await copy.pendingNotices()).map((n) => n.id)).toEqual(['n-last']);
      expect(await copy.messages.partsDone('n-last')).toEqual(['audit-reply']);
      expect(await copy.messages.failures('n-last')).toEqual(await source.messages.failures('n-last'));
      expect(await copy.messages.failures('n-last')).toHaveLength(1);
      expect(await copy.messages.intentOf('n-last:requester')).toBe(T0 + 5);
      for (const request of await source.list())
        expect(await copy.messages.get(request.id)).toEqual(await source.messages.get(request.id));
      expect(await copy.messages.get('id-2')).toEqual({ approvals: [], audit: { channel: 'C_AUDIT', ts: '1.1' } });
      expect(await copy.messages.get('id-6')).toMatchObject({ approvals: [{ user: 'U_BOB', stage: 0 }] });
      expect(await copy.reserveNumber()).toBeGreaterThan(6);
      // The rate limit goes on counting Alice's two submissions: a third fits, a fourth does not.
      expect(await copy.submissions.count('U_ALICE', T0 + 2_000, LIMIT.windowMs)).toBe(2);
      expect(await copy.submissions.take('U_ALICE', T0 + 2_000, LIMIT)).toBe(true);
      expect(await copy.submissions.take('U_ALICE', T0 + 3_000, LIMIT)).toBe(false);
      // The rule's cap does not start afresh with the move.
      expect(await copy.uses.take('rule:cf-admins:on-call:U_ALICE', T0 + HOUR, { count: 1, windowMs: 24 * HOUR })).toBe(
        false,
      );
      // The waiting secret is still there, sealed as it was, for its owner only; the shown one stays shown.
      expect(await copy.secrets.holds('id-6')).toBe(true);
      expect(await copy.secrets.lend('id-6', 'U_BOB', T0, T0 + 60_000)).toEqual({ ok: false, reason: 'not_owner' });
      expect(await copy.secrets.lend('id-6', 'U_ALICE', T0, T0 + 60_000)).toEqual({
        ok: true,
        secret: { requestId: 'id-6', owner: 'U_ALICE', sealed: 'v1.sealed-envelope', expiresAt: T0 + HOUR },
      });
      expect(await copy.secrets.lend('id-1', 'U_0', T0, T0 + 60_000)).toEqual({
        ok: false,
        reason: 'already_revealed',
      });
    } finally {
      await copy.close();
      await source.close();
    }

    const again = await cli(['store', 'copy', '--to', url, '--data', dir.path]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds requests or audit entries: store copy only fills an empty one');
  });

  it('copies nothing from a damaged log', async () => {
    dir = await tempDir();
    await embeddedStore(dir.path);
    const file = join(dir.path, 'audit.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[2] = lines[2]!.replace('"n":"submit-1"', '"n":"edited!!"');
    await writeFile(file, lines.join('\n'));
    const url = await pg.server().createDatabase();
    const result = await cli(['store', 'copy', '--to', url, '--data', dir.path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken at seq 3: .*nothing was copied/);
    const copy = await PostgresStore.open({ url });
    try {
      expect(await copy.list()).toEqual([]);
    } finally {
      await copy.close();
    }
  });

  it('says what is wrong with its arguments', async () => {
    expect((await cli(['store', 'copy'])).stderr).toContain('copy needs --to postgres://');
    expect((await cli(['store', 'copy', '--to', 'mysql://x@y/z'])).stderr).toContain('--to must be a postgres:// URL');
  });
});
