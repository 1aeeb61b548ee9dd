/**
 * `iam-bot store copy`: moves an embedded store into an empty PostgreSQL database in one transaction
 * (all of it, or nothing and the database stays empty), then verifies the copied chain against the
 * source's head. The audit log is copied line for line — the same entries, the same hashes — so
 * checkpoints posted to Slack before the move still vouch for it. Access reviews, open and closed, go too.
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
    for (const request of requests) {
      const refs = await from.messages.get(request.id);
      if (refs.audit || refs.approvals.length > 0 || refs.secretDm || refs.reviewDms)
        await client.query('INSERT INTO message_refs (request_id, refs) VALUES ($1, $2)', [request.id, refs]);
    }
    for (const notice of notices) {
      const [parts, failures] = [await from.messages.partsDone(notice.id), await from.messages.failures(notice.id)];
      if (parts.length > 0 || failures.length > 0) {
        await client.query('INSERT INTO notice_progress (notice_id, parts, failures) VALUES ($1, $2, $3)', [
          notice.id,
          JSON.stringify(parts),
          JSON.stringify(failures),
        ]);
      }
    }
  });
  const copied = await verifyLines(to.auditLog.lines(), source.head ? [{ ...source.head, by: file }] : []);
  if (!copied.ok)
    throw new StoreOpenError(
      `the copy at ${describeDatabase(target)} does not verify (seq ${copied.seq}: ${copied.problem})`,
      'damaged',
    );
  const copiedRequests = (await to.list()).length;
  if (copiedRequests !== requests.length)
    throw new StoreOpenError(`the copy holds ${copiedRequests} requests, the source ${requests.length}`, 'damaged');
  return {
    requests: requests.length,
    auditEntries: copied.count,
    notices: notices.length,
    ...(copied.head ? { head: copied.head } : {}),
  };
}
