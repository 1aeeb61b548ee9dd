import { spawn } from 'node:child_process';
import { readFile, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LowdbStore } from '../../src/store/lowdb-store.ts';
import { StoreConflictError } from '../../src/workflow/ports.ts';
import { StoreOpenError } from '../../src/shared/store-open-error.ts';
import { apply, denied, makeRequest, T0, tempDir } from '../support/fixtures.ts';

let dir: { path: string; remove(): Promise<void> };
let store: LowdbStore | undefined;

beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await store?.close().catch(() => undefined);
  store = undefined;
  await dir.remove();
});

async function openStore(): Promise<LowdbStore> {
  store = await LowdbStore.open({ dataDir: dir.path });
  return store;
}

describe('LowdbStore', () => {
  it('stores a request and finds it by id and number after a reopen', async () => {
    const s = await openStore();
    const number = await s.reserveNumber();
    const request = makeRequest(number);
    await s.commit({ request, expectedVersion: null, audit: [] });
    await s.close();
    const reopened = await openStore();
    expect(await reopened.get(request.id)).toEqual(request);
    expect(await reopened.getByNumber(number)).toEqual(request);
    expect(await reopened.reserveNumber()).toBe(number + 1);
  });

  it('refuses a write computed from a stale version', async () => {
    const s = await openStore();
    const request = makeRequest(await s.reserveNumber());
    await s.commit({ request, expectedVersion: null, audit: [] });
    const approved = apply(request, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 });
    await s.commit({ request: approved, expectedVersion: 1, audit: [] });
    const cancelled = apply(request, { type: 'cancel', actor: 'U_ALICE', isAdmin: false });
    await expect(s.commit({ request: cancelled, expectedVersion: 1, audit: [] })).rejects.toBeInstanceOf(
      StoreConflictError,
    );
    expect((await s.get(request.id))?.status.state).toBe('approved');
    await expect(s.commit({ request, expectedVersion: null, audit: [] })).rejects.toBeInstanceOf(StoreConflictError);
  });

  it('lets exactly one of two concurrent transitions from the same version win', async () => {
    const s = await openStore();
    const request = makeRequest(await s.reserveNumber());
    await s.commit({ request, expectedVersion: null, audit: [] });
    const a = apply(request, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 });
    const b = apply(request, { type: 'approve', actor: 'U_CAROL', eligible: true, stage: 0 });
    const results = await Promise.allSettled([
      s.commit({ request: a, expectedVersion: 1, audit: [] }),
      s.commit({ request: b, expectedVersion: 1, audit: [] }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('moves closed requests out of the live document but still serves them', async () => {
    const s = await openStore();
    const open = makeRequest(await s.reserveNumber());
    const closed = makeRequest(await s.reserveNumber());
    await s.commit({ request: open, expectedVersion: null, audit: [] });
    await s.commit({ request: closed, expectedVersion: null, audit: [] });
    await s.commit({ request: denied(closed), expectedVersion: 1, audit: [] });
    // It leaves the live document with the next write.
    await s.commit({
      request: apply(open, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 }),
      expectedVersion: 1,
      audit: [],
    });
    const live = JSON.parse(await readFile(join(dir.path, 'state.json'), 'utf8')) as { open: { id: string }[] };
    expect(live.open.map((r) => r.id)).toEqual([open.id]);
    expect((await s.openRequests()).map((r) => r.id)).toEqual([open.id]);
    expect((await s.get(closed.id))?.status.state).toBe('denied');
    expect((await s.list({ states: ['denied'] })).map((r) => r.id)).toEqual([closed.id]);
    expect((await s.list()).map((r) => r.number)).toEqual([open.number, closed.number]);
    expect((await s.list({ states: ['approved'] })).map((r) => r.id)).toEqual([open.id]);
    await s.close();
    const reopened = await openStore();
    expect((await reopened.getByNumber(closed.number))?.status.state).toBe('denied');
    expect(await reopened.reserveNumber()).toBe(3);
  });

  it('loses neither a closing change nor its audit event when the process dies before archiving it', async () => {
    const s = await openStore();
    const request = makeRequest(await s.reserveNumber());
    await s.commit({ request, expectedVersion: null, audit: [] });
    const event = { eventId: 'closing', time: 1, actor: 'U_BOB', event: 'request.denied', details: {} };
    await s.commit({ request: denied(request), expectedVersion: 1, audit: [event] });
    const liveAfterCommit = await readFile(join(dir.path, 'state.json'), 'utf8');
    await s.close();
    // As if the process had died between the live document's write and the archive append.
    await writeFile(join(dir.path, 'state.json'), liveAfterCommit);
    await writeFile(join(dir.path, 'archive.jsonl'), '');
    const reopened = await openStore();
    expect((await reopened.get(request.id))?.status.state).toBe('denied');
    expect(await reopened.openRequests()).toEqual([]);
    expect((await reopened.pendingAudit()).map((e) => e.eventId)).toEqual(['closing']);
    expect((await readFile(join(dir.path, 'archive.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('keeps audit events in an outbox until the log reports them written', async () => {
    const s = await openStore();
    const request = makeRequest(await s.reserveNumber());
    const event = (id: string) => ({ eventId: id, time: 1, actor: 'U_ALICE', event: 'request.submitted', details: {} });
    await s.commit({ request, expectedVersion: null, audit: [event('e1'), event('e2')] });
    await s.commit({ request: denied(request), expectedVersion: 1, audit: [event('e3')] });
    expect((await s.pendingAudit()).map((e) => e.eventId)).toEqual(['e1', 'e2', 'e3']);
    await s.close();
    // The log got e1 and e2 before a crash; the store learns it at open.
    const reopened = await openStore();
    expect(await reopened.pendingAudit()).toHaveLength(3);
    await reopened.auditWritten({ seq: 2, hash: 'h2', eventId: 'e2' });
    expect((await reopened.pendingAudit()).map((e) => e.eventId)).toEqual(['e3']);
    expect(await reopened.auditHead()).toEqual({ seq: 2, hash: 'h2', eventId: 'e2' });
  });

  it('does not bring back audit events reported written while a commit was being written', async () => {
    const s = await openStore();
    const request = makeRequest(await s.reserveNumber());
    const event = (id: string) => ({ eventId: id, time: 1, actor: 'U_ALICE', event: 'request.submitted', details: {} });
    await s.commit({ request, expectedVersion: null, audit: [event('e1')] });
    const approved = apply(request, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 });
    const writing = s.commit({ request: approved, expectedVersion: 1, audit: [event('e2')] });
    await new Promise((resolve) => setImmediate(resolve)); // the commit is now inside its file write
    await s.auditWritten({ seq: 1, hash: 'h1', eventId: 'e1' });
    await writing;
    expect((await s.pendingAudit()).map((e) => e.eventId)).toEqual(['e2']);
  });

  it('refuses a second process on the same data directory, naming the first', async () => {
    await openStore();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures/open-store.ts'), dir.path],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain(`in use by process ${process.pid}`);
  });

  it('takes over a lock left by a dead process', async () => {
    await writeFile(join(dir.path, 'iam-bot.pid'), '999999\n');
    const s = await openStore();
    expect(await s.openRequests()).toEqual([]);
  });

  it('stops on a corrupt live document and leaves it untouched', async () => {
    const file = join(dir.path, 'state.json');
    await writeFile(file, '{"schema":1,"nextNumber":');
    await expect(openStore()).rejects.toThrow(/state\.json is not valid JSON.*will not overwrite/);
    expect(await readFile(file, 'utf8')).toBe('{"schema":1,"nextNumber":');
    // The lock was released: a repaired directory opens.
    await writeFile(file, JSON.stringify({ schema: 1, nextNumber: 1, open: [], outbox: [] }));
    await expect(openStore()).resolves.toBeInstanceOf(LowdbStore);
  });

  it('opens a live document of an earlier release (no notices, counters or secrets) and keeps its requests', async () => {
    const request = makeRequest(7);
    await writeFile(
      join(dir.path, 'state.json'),
      JSON.stringify({ schema: 1, nextNumber: 8, open: [request], outbox: [] }),
    );
    const s = await openStore();
    expect(await s.get(request.id)).toEqual(request);
    expect(await s.pendingNotices()).toEqual([]);
    expect(await s.submissions.count('U_ALICE', T0, 60_000)).toBe(0);
    expect(await s.secrets.holds(request.id)).toBe(false);
    expect(await s.reserveNumber()).toBe(8);
  });

  it('stops on a document from a newer version and leaves it untouched', async () => {
    const file = join(dir.path, 'state.json');
    const text = JSON.stringify({ schema: 2, nextNumber: 1, open: [], outbox: [], extra: true });
    await writeFile(file, text);
    const error = await openStore().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as Error).message).toMatch(/newer iam-bot \(schema 2\).*Upgrade/);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('sets a torn last archive line aside but stops on damage inside the archive', async () => {
    const s = await openStore();
    const request = makeRequest(await s.reserveNumber());
    await s.commit({ request, expectedVersion: null, audit: [] });
    await s.commit({ request: denied(request), expectedVersion: 1, audit: [] });
    await s.close();
    const archive = join(dir.path, 'archive.jsonl');
    await appendFile(archive, '{"id":"torn","num');
    const reopened = await openStore();
    expect((await reopened.get(request.id))?.status.state).toBe('denied');
    await reopened.close();
    store = undefined;
    await writeFile(archive, `garbage\n${await readFile(archive, 'utf8')}`);
    await expect(openStore()).rejects.toThrow(/archive\.jsonl:1: not a request record/);
  });

  it('survives a writer killed mid-write: the store opens and holds every acknowledged commit', async () => {
    for (let round = 0; round < 3; round++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'fixtures/writer.ts'), dir.path],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const acknowledged: string[] = [];
      let buffer = '';
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        acknowledged.push(...lines.filter(Boolean));
      });
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (acknowledged.length >= 20 + round * 7) {
            clearInterval(check);
            child.kill('SIGKILL');
            resolve();
          }
        }, 2);
      });
      await new Promise((resolve) => child.on('exit', resolve));
      const s = await openStore();
      for (const line of acknowledged) {
        const [id, state] = line.split(' ');
        const stored = await s.get(id ?? '');
        expect(stored, `acknowledged ${line}`).toBeDefined();
        if (state === 'denied') expect(stored?.status.state).toBe('denied');
      }
      await s.close();
      store = undefined;
    }
  });
});
