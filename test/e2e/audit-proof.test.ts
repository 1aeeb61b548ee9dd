import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { dataFiles } from '../../src/app.ts';
import { formatLine, GENESIS_HASH, hashEntry, type AuditEntry } from '../../src/audit/entry.ts';
import { cli } from '../support/cli.ts';
import { PEOPLE, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, bob } = PEOPLE;
const AUDIT = 'C0AUDIT';

async function granted(): Promise<E2E> {
  const started = await startE2E();
  await requestThroughModal(started, alice.id, {
    kind: 'group.add',
    itemId: 'cf-prod-admins',
    duration: '2h',
    reason: 'incident 4242',
  });
  await click(started, bob.id, dmWithButton(started, bob.id, 'iam_approve'), 'iam_approve');
  await started.bot.idle();
  return started;
}

const verifySlack = () =>
  cli(['audit', 'verify', '--slack', '--channel', AUDIT, '--data', e.dataDir], {
    SLACK_BOT_TOKEN: e.world.slack.botToken,
    SLACK_API_URL: e.world.slack.apiUrl,
  });

async function logEntries(): Promise<AuditEntry[]> {
  return (await readFile(dataFiles(e.dataDir).audit, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditEntry);
}

/** The bot's replies in the request's audit thread, as the simulator stores them. */
function replies() {
  const root = e.world.slack.workspace.messagesIn(AUDIT).find((m) => !m.thread_ts && m.text.startsWith('REQ-0001'));
  if (!root) throw new Error('no audit thread');
  return { root, replies: e.world.slack.workspace.threadOf(AUDIT, root.ts).filter((m) => m.ts !== root.ts) };
}

describe('an audit thread anyone can check against the log', () => {
  it('each reply carries its event id, sequence and hash prefix; the root shows the latest sequence; verify --slack passes an untouched run', async () => {
    e = await granted();
    const entries = await logEntries();
    const thread = replies();
    expect(thread.replies.length).toBeGreaterThanOrEqual(4);
    for (const reply of thread.replies) {
      const payload = (
        reply.metadata as { event_type: string; event_payload: { event_id: string; seq: number; hash: string } }
      ).event_payload;
      const entry = entries.find((x) => x.eventId === payload.event_id)!;
      expect(reply.metadata?.event_type).toBe('iam_audit');
      expect(payload).toMatchObject({ seq: entry.seq, hash: entry.hash.slice(0, 12) });
    }
    const latest = Math.max(
      ...entries.filter((x) => x.requestRef === 'REQ-0001' && x.event.startsWith('execution.')).map((x) => x.seq),
    );
    expect(JSON.stringify(thread.root.blocks)).toContain(`audit log #${latest}`);
    const result = await verifySlack();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/1 threads, \d+ replies, each matching its log entry/);
  });

  it('finds a deleted reply, an edited reply and a logged event with no reply, naming each sequence', async () => {
    e = await granted();
    const entries = await logEntries();
    const seqOf = (m: { metadata?: unknown }) =>
      entries.find((x) => x.eventId === (m.metadata as { event_payload: { event_id: string } }).event_payload.event_id)!
        .seq;
    const [, deleted, edited] = replies().replies;
    e.world.slack.workspace.messages.remove(deleted!);
    e.world.slack.workspace.messages.update(
      edited!,
      { text: 'Approved by <@U0MALLORY>.', ...(edited!.metadata ? { metadata: edited!.metadata } : {}) },
      Date.now(),
      e.world.slack.identity.botUserId,
    );
    const request = entries.find((x) => x.requestRef === 'REQ-0001')!;
    const [forged] = await e.bot.services.store.auditLog.append([
      {
        eventId: randomUUID(),
        time: Date.now(),
        requestId: request.requestId!,
        requestRef: 'REQ-0001',
        actor: bob.id,
        event: 'request.approved',
        details: {},
      },
    ]);
    const result = await verifySlack();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`entry #${seqOf(deleted!)} (`);
    expect(result.stderr).toMatch(new RegExp(`reply \\S+ for entry #${seqOf(edited!)} .*its text was edited`));
    expect(result.stderr).toContain(`entry #${forged!.seq} (request.approved, REQ-0001) has no reply in its thread`);
    expect(result.stderr).toContain('3 problems');
  });

  it('finds a reply whose event the log does not hold, and one whose hash does not match', async () => {
    e = await granted();
    const [first, second] = replies().replies;
    const payload = (m: typeof first) => (m!.metadata as { event_payload: Record<string, unknown> }).event_payload;
    first!.metadata = { event_type: 'iam_audit', event_payload: { ...payload(first), event_id: randomUUID() } };
    second!.metadata = { event_type: 'iam_audit', event_payload: { ...payload(second), hash: '000000000000' } };
    const result = await verifySlack();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/claims event .*, which the log does not hold/);
    expect(result.stderr).toMatch(/its hash 000000000000 is not the entry's/);
  });
});

describe('checkpoints', () => {
  it('posts the chain head to the audit channel and audits the post; a log rewritten before it fails verify --checkpoint naming the sequence', async () => {
    e = await granted();
    await e.bot.services.checkpoints.run();
    const post = e.world.slack.workspace.messagesIn(AUDIT).find((m) => m.text.startsWith('Audit checkpoint'))!;
    const entries = await logEntries();
    const recorded = entries.at(-1)!;
    expect(recorded).toMatchObject({ event: 'audit.checkpoint', details: { channel: AUDIT, ts: post.ts } });
    const head = entries.at(-2)!;
    expect(post.text).toBe(`Audit checkpoint ${head.seq}:${head.hash}`);
    expect(post.metadata).toEqual({
      event_type: 'iam_audit_checkpoint',
      event_payload: { seq: head.seq, hash: head.hash },
    });
    // Nothing new since: no second post.
    await e.bot.services.checkpoints.run();
    expect(e.world.slack.workspace.messagesIn(AUDIT).filter((m) => m.text.startsWith('Audit checkpoint'))).toHaveLength(
      1,
    );

    const copied = `${e.dataDir}/checkpoint.txt`;
    await writeFile(copied, `${post.text}\n`);
    const untouched = await cli(['audit', 'verify', '--checkpoint', copied, '--data', e.dataDir]);
    expect(untouched.code).toBe(0);

    // Rewritten before the checkpoint and re-hashed, so the chain itself is intact again.
    let prevHash = GENESIS_HASH;
    const rewritten = entries.map((entry) => {
      const { hash: _old, ...body } = entry;
      const changed = { ...body, prevHash, ...(entry.event === 'request.approved' ? { actor: 'U0MALLORY' } : {}) };
      const next = { ...changed, hash: hashEntry(changed) };
      prevHash = next.hash;
      return formatLine(next);
    });
    await writeFile(dataFiles(e.dataDir).audit, `${rewritten.join('\n')}\n`);
    const result = await cli(['audit', 'verify', '--checkpoint', copied, '--data', e.dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`broken at seq ${head.seq}:`);
  });
});
