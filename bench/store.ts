/**
 * A transition's cost against the store's size, on both stores: p50/p99 of one commit (a request
 * cancelled, with its audit event and its notice) with 0 / 100,000 / 1,000,000 closed requests, and
 * with 0 / 1,000 / 10,000 open ones. Goal: PostgreSQL flat in both; lowdb flat in closed requests (its
 * archive is appended, never rewritten) while its cost grows with open ones (the live document holding
 * them is rewritten at each commit): that cost is stated, not a goal.
 *   npm run bench:store [-- --store lowdb|postgres|both] [--closed 0,100000] [--open 0,1000] [--samples 200] [--quick]
 * `--quick`: 0 / 10,000 / 100,000 closed, 0 / 1,000 open, 100 samples. PostgreSQL is DATABASE_URL's
 * server, else a throw-away one from Debian's binaries (as the tests start it), one fresh database per size.
 * Stores are seeded in bulk: the archive and the live document generated as files; the tables filled by
 * `INSERT … SELECT generate_series` from one request's JSON.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { Notice } from '../src/domain/notice.ts';
import type { Request } from '../src/domain/request.ts';
import { LowdbStore } from '../src/store/lowdb-store.ts';
import type { Store } from '../src/workflow/ports/store.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { startPostgres, type TestPostgres } from '../test/support/postgres.ts';
import { apply, denied, makeRequest } from '../test/support/fixtures.ts';
import { seedClosedRequests, seedOpenRequests } from './seed.ts';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    closed: { type: 'string' },
    open: { type: 'string' },
    samples: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const sizes = (option: string | undefined, full: string, quick: string) =>
  (option ?? (values.quick ? quick : full)).split(',').map(Number);
const CLOSED = sizes(values.closed, '0,100000,1000000', '0,10000,100000');
const OPEN = sizes(values.open, '0,1000,10000', '0,1000');
const SAMPLES = Number(values.samples ?? (values.quick ? 100 : 200));
const STORES = values.store === 'both' ? ['lowdb', 'postgres'] : [values.store!];
/** Requests the measured transitions cycle through, besides the seeded ones. */
const WORKING = 20;

type Kind = 'lowdb' | 'postgres';
interface Size {
  closed: number;
  open: number;
}
interface Result {
  p50: number;
  p99: number;
  seedMs: number;
  openMs: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The archive (closed) and the live document (open) written as lowdb would have left them. */
async function seedLowdb(dir: string, size: Size): Promise<void> {
  await seedClosedRequests(dir, size.closed);
  await seedOpenRequests(dir, size.closed, size.open);
}

/** The tables filled in bulk, an audit entry per request as its history would leave at least. */
async function seedPostgres(url: string, size: Size): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const fill = async (template: Request, from: number, to: number, closed: boolean) => {
      for (let start = from; start <= to; start += 100_000) {
        await client.query(
          `INSERT INTO requests (id, number, requester, submission_key, state, closed, version, body)
           SELECT 'id-' || g, g, 'U' || (g % 500), NULL, $4, $5, $6,
             $1::jsonb || jsonb_build_object('id', 'id-' || g, 'number', g, 'ref', 'REQ-' || CASE WHEN g < 10000 THEN lpad(g::text, 4, '0') ELSE g::text END, 'requester', 'U' || (g % 500))
           FROM generate_series($2::int, $3::int) AS g`,
          [
            JSON.stringify(template),
            start,
            Math.min(to, start + 99_999),
            template.status.state,
            closed,
            template.version,
          ],
        );
      }
    };
    await fill(denied(makeRequest(1)), 1, size.closed, true);
    await fill(makeRequest(1), size.closed + 1, size.closed + size.open, false);
    const total = size.closed + size.open;
    if (total > 0) {
      await client.query(
        `INSERT INTO audit_log (seq, event_id, request_id, hash, line)
         SELECT g, 'seed-event-' || g, 'id-' || g, md5(g::text) || md5(g::text), '{"seq":' || g || '}'
         FROM generate_series(1, $1::int) AS g`,
        [total],
      );
      await client.query("UPDATE audit_head SET seq = $1, hash = md5($2) || md5($2), event_id = 'seed-event-' || $2", [
        total,
        String(total),
      ]);
      await client.query("SELECT setval('request_numbers', $1)", [total]);
    }
    await client.query('VACUUM ANALYZE');
    // The seeding's dirty pages written out now, not by the checkpointer while the transitions are timed (a
    // million rows are gigabytes: their write-back made each timed commit's fsync wait). Needs a superuser or
    // pg_checkpoint; on a server that refuses, the measurement goes on without it.
    await client.query('CHECKPOINT').catch(() => undefined);
  } finally {
    await client.end();
  }
}

/** Times SAMPLES transitions, each a cancel with its audit event and notice; the work around it is untimed. */
async function transitions(store: Store): Promise<number[]> {
  const working: Request[] = [];
  for (let i = 0; i < WORKING; i++) {
    const request = { ...makeRequest(await store.reserveNumber()), id: `work-${i}` };
    await store.commit({ request, expectedVersion: null, audit: [] });
    working.push(request);
  }
  const timings: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const slot = i % WORKING;
    const current = working[slot]!;
    const next = apply(current, { type: 'cancel', actor: current.requester, isAdmin: false });
    const event = {
      eventId: `e${i}`,
      time: Date.now(),
      actor: current.requester,
      event: 'request.cancelled',
      details: {},
    };
    const notice: Notice = { id: event.eventId, event: 'request.cancelled', request: next, actor: current.requester };
    const t0 = performance.now();
    await store.commit({ request: next, expectedVersion: current.version, audit: [event], notices: [notice] });
    timings.push(performance.now() - t0);
    // What the bot does next, untimed: the event reaches the log, the notice is delivered, a new request comes.
    const written = await store.auditLog.append(await store.pendingAudit());
    const head = written.at(-1);
    if (head) await store.auditWritten({ seq: head.seq, hash: head.hash, eventId: head.eventId });
    await store.noticeDone(notice.id);
    const fresh = { ...makeRequest(await store.reserveNumber()), id: `work-${slot}-${i}` };
    await store.commit({ request: fresh, expectedVersion: null, audit: [] });
    working[slot] = fresh;
  }
  return timings.sort((a, b) => a - b);
}

let server: TestPostgres | undefined;

async function measure(kind: Kind, size: Size): Promise<Result> {
  let seedMs: number;
  let store: Store;
  let cleanup: () => Promise<void>;
  const seedStart = performance.now();
  if (kind === 'lowdb') {
    const dir = await mkdtemp(join(tmpdir(), 'iam-bot-bench-'));
    await seedLowdb(dir, size);
    seedMs = performance.now() - seedStart;
    const t0 = performance.now();
    store = await LowdbStore.open({ dataDir: dir });
    const openMs = performance.now() - t0;
    cleanup = () => rm(dir, { recursive: true, force: true });
    return finish(store, cleanup, seedMs, openMs);
  }
  server ??= await startPostgres();
  const url = await server.createDatabase();
  // The schema first (opening migrates), then the rows.
  await (await PostgresStore.open({ url })).close();
  await seedPostgres(url, size);
  seedMs = performance.now() - seedStart;
  const t0 = performance.now();
  store = await PostgresStore.open({ url, poolSize: 2 });
  const openMs = performance.now() - t0;
  cleanup = async () => undefined;
  return finish(store, cleanup, seedMs, openMs);
}

async function finish(store: Store, cleanup: () => Promise<void>, seedMs: number, openMs: number): Promise<Result> {
  try {
    const timings = await transitions(store);
    return { p50: percentile(timings, 50), p99: percentile(timings, 99), seedMs, openMs };
  } finally {
    await store.close();
    await cleanup();
  }
}

const ms = (n: number) => `${n.toFixed(2).padStart(7)} ms`;
try {
  for (const kind of STORES as Kind[]) {
    for (const [label, series] of [
      ['closed', CLOSED.map((closed) => ({ closed, open: 0 }))],
      ['open', OPEN.map((open) => ({ closed: 0, open }))],
    ] as const) {
      let first: Result | undefined;
      for (const size of series) {
        const r = await measure(kind, size);
        first ??= r;
        console.log(
          `${kind.padEnd(8)} ${label.padEnd(6)} ${String(size[label]).padStart(9)}  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  ` +
            `p50 × ${(r.p50 / first.p50).toFixed(2)}  (seeded in ${(r.seedMs / 1000).toFixed(1)} s, opened in ${r.openMs.toFixed(0)} ms, ${SAMPLES} samples)`,
        );
      }
    }
  }
} finally {
  await server?.stop();
}
