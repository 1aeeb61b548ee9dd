/**
 * Store write cost against history: times a state-transition commit with 0, 10,000 and 100,000 closed
 * requests in the store. Goal: p50 at 100,000 ≤ 2 × p50 at 0.
 *   npm run bench:store [-- --samples 400]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LowdbStore } from '../src/store/lowdb-store.ts';
import { apply, makeRequest } from '../test/support/fixtures.ts';
import { seedClosedRequests } from './seed.ts';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '300' } } });
const samples = Number(values.samples);
const OPEN_REQUESTS = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(closed: number): Promise<{ p50: number; p99: number; openMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'iam-bot-bench-'));
  try {
    await seedClosedRequests(dir, closed);
    const started = performance.now();
    const store = await LowdbStore.open({ dataDir: dir });
    const openMs = performance.now() - started;
    const open = [];
    for (let i = 0; i < OPEN_REQUESTS; i++) {
      const request = { ...makeRequest(await store.reserveNumber()), id: `open-${i}` };
      await store.commit({ request, expectedVersion: null, audit: [] });
      open.push(request);
    }
    const timings: number[] = [];
    for (let i = 0; i < samples; i++) {
      const slot = i % OPEN_REQUESTS;
      const current = open[slot]!;
      // Alternate approve-by-one-of-two and cancel/re-create so every sample is a real transition.
      const next = apply(current, { type: 'cancel', actor: current.requester, isAdmin: false });
      const reopened = { ...makeRequest(await store.reserveNumber()), id: `open-${slot}-${i}` };
      const event = { eventId: `e${i}`, time: Date.now(), actor: 'bench', event: 'request.cancelled', details: {} };
      const t0 = performance.now();
      await store.commit({ request: next, expectedVersion: current.version, audit: [event] });
      timings.push(performance.now() - t0);
      await store.commit({ request: reopened, expectedVersion: null, audit: [] });
      await store.auditWritten({ seq: i + 1, hash: 'h', eventId: event.eventId });
      open[slot] = reopened;
    }
    await store.close();
    timings.sort((a, b) => a - b);
    return { p50: percentile(timings, 50), p99: percentile(timings, 99), openMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const results = new Map<number, Awaited<ReturnType<typeof measure>>>();
for (const closed of [0, 10_000, 100_000]) {
  const r = await measure(closed);
  results.set(closed, r);
  console.log(
    `closed=${String(closed).padStart(6)}  p50=${r.p50.toFixed(3)} ms  p99=${r.p99.toFixed(3)} ms  (store open ${r.openMs.toFixed(0)} ms, ${samples} samples)`,
  );
}
const ratio = results.get(100_000)!.p50 / results.get(0)!.p50;
console.log(`ratio p50(100,000) / p50(0) = ${ratio.toFixed(2)}  (goal ≤ 2.00: ${ratio <= 2 ? 'met' : 'NOT met'})`);
