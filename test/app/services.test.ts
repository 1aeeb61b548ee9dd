import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataFiles } from '../../src/app.ts';
import { AuditLog, verifyAuditLog } from '../../src/audit/index.ts';
import { LowdbStore } from '../../src/store/lowdb-store.ts';
import { makeRequest, tempDir } from '../support/fixtures.ts';
import { world } from '../support/services.ts';

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

const event = (id: string) => ({
  eventId: id,
  time: 1,
  requestId: 'id-1',
  requestRef: 'REQ-0001',
  actor: 'U_ALICE',
  event: 'request.submitted',
  details: {},
});

async function auditEventIds(): Promise<string[]> {
  const text = await readFile(dataFiles(dir.path).audit, 'utf8');
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { eventId: string }).eventId);
}

describe('services: the store outbox and the audit log stay in step across crashes', () => {
  it('writes events committed before a crash to the audit log at the next start, once', async () => {
    const store = await LowdbStore.open({ dataDir: dir.path });
    await store.commit({
      request: makeRequest(await store.reserveNumber()),
      expectedVersion: null,
      audit: [event('e1'), event('e2')],
    });
    await store.close(); // the process died before appending to the audit log
    const w = world(dir.path);
    await (await w.open()).close();
    await (await w.open()).close();
    expect(await auditEventIds()).toEqual(['e1', 'e2']);
    expect((await verifyAuditLog(dataFiles(dir.path).audit)).ok).toBe(true);
  });

  it('does not write an event twice when the crash came after the append', async () => {
    const store = await LowdbStore.open({ dataDir: dir.path });
    await store.commit({
      request: makeRequest(await store.reserveNumber()),
      expectedVersion: null,
      audit: [event('e1'), event('e2'), event('e3')],
    });
    const log = await AuditLog.open(dataFiles(dir.path).audit);
    await log.append([event('e1'), event('e2')]); // appended, but the outbox was never pruned
    await log.close();
    await store.close();
    const w = world(dir.path);
    await (await w.open()).close();
    expect(await auditEventIds()).toEqual(['e1', 'e2', 'e3']);
  });

  it('runs a request end to end with a verifiable audit trail on disk', async () => {
    const w = world(dir.path);
    const services = await w.open();
    const request = await services.service.submit({
      requester: 'U_ALICE',
      itemId: 'cf-admins',
      reason: 'incident',
      duration: '2h',
    });
    await services.service.approve('U_BOB', request.ref);
    await services.close();
    const reopened = await w.open();
    expect((await reopened.service.find(request.ref)).status.state).toBe('completed');
    await reopened.close();
    const result = await verifyAuditLog(dataFiles(dir.path).audit);
    expect(result).toMatchObject({ ok: true, count: 4 });
  });
});
