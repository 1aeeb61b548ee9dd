/**
 * The audit log as a table. Appends lock the single `audit_head` row first, inside the caller's
 * transaction, so two replicas committing at once take turns: each chains onto the head the other left,
 * and the chain can never fork. An append inside a request's `commit` is part of that transaction: the
 * change and its audit entries are durable together, or neither is.
 */
import type pg from 'pg';
import { chainAfter, prepareEvent, type PreparedEvent } from '../../audit/chain.ts';
import { parseLine, type AuditEntry } from '../../audit/entry.ts';
import { AuditLogError } from '../../audit/errors.ts';
import type { AuditHead, AuditRecord } from '../../domain/audit-event.ts';
import type { AuditLogStore } from '../../workflow/ports.ts';
import { inTransaction, type Queryable } from './transaction.ts';

/** Rows read per query when the whole log is read (verification, export): memory stays flat. */
const PAGE = 1000;

export class PostgresAuditLog implements AuditLogStore {
  constructor(private readonly pool: pg.Pool) {}

  async append(records: readonly AuditRecord[]): Promise<AuditEntry[]> {
    // Checked before any connection is taken: a refused event writes nothing.
    const prepared = records.map(prepareEvent);
    if (prepared.length === 0) return [];
    return inTransaction(this.pool, (client) => appendPrepared(client, prepared));
  }

  async head(): Promise<AuditHead | undefined> {
    return headOf(await this.pool.query<HeadRow>('SELECT seq, hash, event_id FROM audit_head FOR UPDATE'));
  }

  async *read(afterSeq = 0): AsyncIterable<AuditEntry> {
    for await (const line of this.lines(afterSeq)) yield JSON.parse(line) as AuditEntry;
  }

  /** The stored lines after `afterSeq`, exactly as hashed, in order. */
  async *lines(afterSeq = 0): AsyncIterable<string> {
    let after = afterSeq;
    for (;;) {
      const { rows } = await this.pool.query<{ seq: string; line: string }>(
        'SELECT seq, line FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2',
        [after, PAGE],
      );
      for (const row of rows) yield row.line;
      if (rows.length < PAGE) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }

  async entryOf(eventId: string): Promise<{ seq: number; hash: string } | undefined> {
    const { rows } = await this.pool.query<{ seq: string; hash: string }>(
      'SELECT seq, hash FROM audit_log WHERE event_id = $1',
      [eventId],
    );
    const row = rows[0];
    return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
  }
}

interface HeadRow {
  seq: string;
  hash: string;
  event_id: string | null;
}

function headOf(result: pg.QueryResult<HeadRow>): AuditHead | undefined {
  const row = result.rows[0];
  return row && row.event_id !== null ? { seq: Number(row.seq), hash: row.hash, eventId: row.event_id } : undefined;
}

/** Appends `records` to the chain inside the caller's transaction (which it serialises on the head row). */
export function appendIn(client: Queryable, records: readonly AuditRecord[]): Promise<AuditEntry[]> {
  return appendPrepared(client, records.map(prepareEvent));
}

async function appendPrepared(client: Queryable, prepared: readonly PreparedEvent[]): Promise<AuditEntry[]> {
  if (prepared.length === 0) return [];
  const head = headOf(await client.query<HeadRow>('SELECT seq, hash, event_id FROM audit_head FOR UPDATE'));
  const chained = chainAfter(head, prepared);
  await client.query(
    'INSERT INTO audit_log (seq, event_id, request_id, hash, line) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])',
    [
      chained.map((c) => c.entry.seq),
      chained.map((c) => c.entry.eventId),
      chained.map((c) => c.entry.requestId),
      chained.map((c) => c.entry.hash),
      chained.map((c) => c.line),
    ],
  );
  const last = chained[chained.length - 1]!.entry;
  await client.query('UPDATE audit_head SET seq = $1, hash = $2, event_id = $3', [last.seq, last.hash, last.eventId]);
  return chained.map((c) => c.entry);
}

/**
 * Takes over an existing chain into an empty table, line for line (the same entries, the same hashes):
 * how an embedded store's log moves here. Each line is checked on its own; the caller verifies the links.
 */
export async function adoptLines(client: Queryable, lines: AsyncIterable<string>): Promise<void> {
  let batch: AuditEntry[] = [];
  let raw: string[] = [];
  let last: AuditEntry | undefined;
  const flush = async () => {
    if (batch.length === 0) return;
    await client.query(
      'INSERT INTO audit_log (seq, event_id, request_id, hash, line) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])',
      [
        batch.map((e) => e.seq),
        batch.map((e) => e.eventId),
        batch.map((e) => e.requestId),
        batch.map((e) => e.hash),
        raw,
      ],
    );
    batch = [];
    raw = [];
  };
  for await (const line of lines) {
    const entry = parseLine(line);
    if (typeof entry === 'string')
      throw new AuditLogError('audit_unreadable', `audit entry ${(last?.seq ?? 0) + 1} is ${entry}`);
    batch.push(entry);
    raw.push(line);
    last = entry;
    if (batch.length >= PAGE) await flush();
  }
  await flush();
  if (last)
    await client.query('UPDATE audit_head SET seq = $1, hash = $2, event_id = $3', [last.seq, last.hash, last.eventId]);
}
