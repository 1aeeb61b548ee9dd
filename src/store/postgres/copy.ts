/**
 * `iam-bot store copy`: moves an embedded store into an empty PostgreSQL database in one transaction
 * (all of it, or nothing and the database stays empty), then verifies the copied chain against the
 * source's head. The audit log is copied line for line — the same entries, the same hashes — so
 * checkpoints posted to Slack before the move still vouch for it. Every section of the embedded store
 * goes: requests and the next number, the audit log and its outbox, the notices to deliver, the Slack
 * message index (message references, delivery progress, post intents), the submission counters and the
 * sealed secrets, and the access reviews. Leases are not copied: the embedded store keeps them in the memory of a bot that is stopped.
 */
import { verifyAuditLog, verifyLines } from '../../audit/verify.ts';
import { readEntries } from '../../audit/export.ts';
import type { AuditHead } from '../../domain/audit-event.ts';
import { isReviewOpen } from '../../domain/review.ts';
import type { LowdbStore } from '../lowdb-store.ts';
import { StoreOpenError } from '../../shared/store-open-error.ts';
import { adoptLines, appendIn } from './audit-chain.ts';
import { describeDatabase } from '../../shared/database-url.ts';
import { addNotices, compareAndSet, type PostgresStore } from './postgres-store.ts';
import { inTransaction } from './transaction.ts';

export interface CopyResult {
  requests: number;
  auditEntries: number;
  notices: number;
  /** Requests with Slack message references. */
  messageRefs: number;
  postIntents: number;
  /** People with submissions still in the rate window. */
  submitters: number;
  /** Auto-approval rules' and break-glass's uses per person still kept. */
  allowanceUses: number;
  secrets: number;
  head?: AuditHead;
}

export async function copyStore(from: LowdbStore, to: PostgresStore, target: string): Promise<CopyResult> {
  const file = from.auditLog.file;
  const recorded = await from.auditHead();
  const source = await verifyAuditLog(file, recorded);
  if (!source.ok)
    throw new StoreOpenError(
      `${file}: broken at seq ${source.seq}: ${source.problem}; nothing was copied — run "audit verify"`,
      'damaged',
    );
  const requests = await from.list();
  const pendingAudit = await from.pendingAudit();
  const notices = await from.pendingNotices();
  const nextNumber = await from.reserveNumber();
  const reviews = await from.reviews.list();
  const index = await from.messages.contents();
  const { submissions, uses, secrets } = await from.smallSections();
  const expected: Counts = {
    requests: requests.length,
    notices: notices.length,
    messageRefs: Object.keys(index.requests).length,
    noticeProgress: new Set([...Object.keys(index.deliveries), ...Object.keys(index.failures)]).size,
    postIntents: Object.keys(index.intents).length,
    submitters: Object.keys(submissions).length,
    allowanceUses: Object.keys(uses).length,
    secrets: secrets.length,
  };
  await inTransaction(to.pool, async (client) => {
    const { rows } = await client.query<{ used: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM requests) OR EXISTS (SELECT 1 FROM audit_log) OR EXISTS (SELECT 1 FROM notices) AS used',
    );
    if (rows[0]?.used)
      throw new StoreOpenError(
        `the database at ${describeDatabase(target)} already holds requests or audit entries: store copy only fills an empty one`,
        'damaged',
      );
    await adoptLines(
      client,
      (async function* () {
        for await (const { line } of readEntries(file)) yield line;
      })(),
    );
    // Events committed but not yet in the source's log join the chain now, after the copied entries.
    await appendIn(client, pendingAudit);
    for (const request of requests) await compareAndSet(client, request, null);
    await client.query("SELECT setval('request_numbers', $1, false)", [nextNumber]);
    await addNotices(client, notices);
    for (const review of reviews)
      await client.query(
        'INSERT INTO reviews (id, state, closed, version, created_at, body) VALUES ($1, $2, $3, $4, $5, $6)',
        [review.id, review.status.state, !isReviewOpen(review), review.version, review.createdAt, review],
      );
    for (const [requestId, refs] of Object.entries(index.requests))
      await client.query('INSERT INTO message_refs (request_id, refs) VALUES ($1, $2)', [requestId, refs]);
    for (const noticeId of new Set([...Object.keys(index.deliveries), ...Object.keys(index.failures)]))
      await client.query('INSERT INTO notice_progress (notice_id, parts, failures) VALUES ($1, $2, $3)', [
        noticeId,
        JSON.stringify(index.deliveries[noticeId] ?? []),
        JSON.stringify(index.failures[noticeId] ?? []),
      ]);
    for (const [key, at] of Object.entries(index.intents))
      await client.query('INSERT INTO post_intents (key, at) VALUES ($1, $2)', [key, at]);
    for (const [person, times] of Object.entries(submissions))
      await client.query('INSERT INTO submissions (person, times) VALUES ($1, $2)', [person, times]);
    // Caps on what passes without a person's decision must not start afresh with the move.
    for (const [key, use] of Object.entries(uses))
      await client.query('INSERT INTO allowance_uses (key, window_ms, times) VALUES ($1, $2, $3)', [
        key,
        use.windowMs,
        use.times,
      ]);
    // Sealed as they are: the replicas open them with the same IAM_BOT_SEALING_KEY.
    for (const record of secrets)
      await client.query('INSERT INTO secrets (request_id, record) VALUES ($1, $2)', [record.requestId, record]);
  });
  const copied = await verifyLines(to.auditLog.lines(), source.head ? [{ ...source.head, by: file }] : []);
  if (!copied.ok)
    throw new StoreOpenError(
      `the copy at ${describeDatabase(target)} does not verify (seq ${copied.seq}: ${copied.problem})`,
      'damaged',
    );
  const found = await countsIn(to);
  for (const [section, count] of Object.entries(expected) as [keyof Counts, number][])
    if (found[section] !== count)
      throw new StoreOpenError(`the copy holds ${found[section]} ${section}, the source ${count}`, 'damaged');
  return {
    requests: requests.length,
    auditEntries: copied.count,
    notices: notices.length,
    messageRefs: expected.messageRefs,
    postIntents: expected.postIntents,
    submitters: expected.submitters,
    allowanceUses: expected.allowanceUses,
    secrets: expected.secrets,
    ...(copied.head ? { head: copied.head } : {}),
  };
}

/** How many rows each copied section has: the source's and the copy's must agree. */
interface Counts {
  requests: number;
  notices: number;
  messageRefs: number;
  noticeProgress: number;
  postIntents: number;
  submitters: number;
  allowanceUses: number;
  secrets: number;
}

async function countsIn(store: PostgresStore): Promise<Counts> {
  const { rows } = await store.pool.query<Record<keyof Counts, string>>(
    `SELECT (SELECT count(*) FROM requests) AS requests, (SELECT count(*) FROM notices) AS notices,
       (SELECT count(*) FROM message_refs) AS "messageRefs", (SELECT count(*) FROM notice_progress) AS "noticeProgress",
       (SELECT count(*) FROM post_intents) AS "postIntents", (SELECT count(*) FROM submissions) AS submitters,
       (SELECT count(*) FROM allowance_uses) AS "allowanceUses", (SELECT count(*) FROM secrets) AS secrets`,
  );
  const row = rows[0]!;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as Counts;
}
