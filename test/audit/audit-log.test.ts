import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AuditLog, AuditLogError } from '../../src/audit/audit-log.ts';
import { hashEntry } from '../../src/audit/entry.ts';
import { verifyAuditLog } from '../../src/audit/verify.ts';
import { Secret } from '../../src/domain/secret.ts';
import { T0, event, logWith, readLines, tempLogPath } from './support.ts';

describe('AuditLog', () => {
  it('creates a missing log with mode 0600 and no head', async () => {
    const file = await tempLogPath();
    const log = await AuditLog.open(file);
    expect(log.head()).toBeUndefined();
    await log.close();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(file)).size).toBe(0);
  });

  it('writes the documented line format, chained from the genesis hash', async () => {
    const file = await tempLogPath();
    const log = await AuditLog.open(file);
    const input = event(1, { requestId: undefined, requestRef: undefined, actor: 'system', details: { b: 1, a: 'x' } });
    const [entry] = await log.append([input]);
    await log.close();

    const [line] = await readLines(file);
    expect(JSON.parse(line!)).toEqual(entry);
    expect(Object.keys(JSON.parse(line!))).toEqual([
      'seq',
      'time',
      'eventId',
      'requestId',
      'requestRef',
      'actor',
      'event',
      'details',
      'prevHash',
      'hash',
    ]);
    expect(entry).toMatchObject({
      seq: 1,
      time: new Date(T0 + 60_000).toISOString(),
      eventId: input.eventId,
      requestId: null,
      requestRef: null,
      actor: 'system',
      details: { a: 'x', b: 1 },
      prevHash: '0'.repeat(64),
    });
    const { hash, ...body } = entry!;
    expect(hash).toBe(hashEntry(body));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('continues seq and hash across appends and re-opens', async () => {
    const file = await tempLogPath();
    const all = [];
    for (let round = 0; round < 3; round++) {
      const log = await AuditLog.open(file);
      const before = log.head();
      const written = await log.append([event(round * 2 + 1), event(round * 2 + 2)]);
      expect(written[0]!.prevHash).toBe(before?.hash ?? '0'.repeat(64));
      expect(log.head()).toEqual({ seq: written[1]!.seq, hash: written[1]!.hash, eventId: written[1]!.eventId });
      all.push(...written);
      await log.close();
    }
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
    expect(await verifyAuditLog(file)).toEqual({
      ok: true,
      count: 6,
      head: { seq: 6, hash: all[5]!.hash, eventId: all[5]!.eventId },
    });
  });

  it('serialises concurrent appends in call order with a valid chain', async () => {
    const file = await tempLogPath();
    const log = await AuditLog.open(file);
    const batches = Array.from({ length: 20 }, (_, i) => [event(i * 3 + 1), event(i * 3 + 2), event(i * 3 + 3)]);
    const results = await Promise.all(batches.map((b) => log.append(b)));
    await log.close();

    expect(results.flat().map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(results.flat().map((e) => e.eventId)).toEqual(batches.flat().map((e) => e.eventId));
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, count: 60 });
  });

  it('snapshots details at call time', async () => {
    const file = await tempLogPath();
    const log = await AuditLog.open(file);
    const details = { state: 'pending' };
    const pending = log.append([event(1, { details })]);
    details.state = 'changed';
    const [entry] = await pending;
    await log.close();
    expect(entry!.details).toEqual({ state: 'pending' });
  });

  it('moves a torn final line aside at open and continues a valid chain', async () => {
    const file = await logWith(3);
    const intact = await readFile(file);
    const lines = await readLines(file);
    await appendFile(file, lines[1]!.slice(0, 40)); // a crash mid-append

    const log = await AuditLog.open(file);
    expect(log.droppedTornBytes).toBe(40);
    expect(await readFile(file)).toEqual(intact);
    // Set aside, never deleted.
    expect(log.tornSetAside).toMatch(/audit\.jsonl\.torn-\d+$/);
    expect(await readFile(log.tornSetAside!, 'utf8')).toBe(lines[1]!.slice(0, 40));
    expect(log.head()?.seq).toBe(3);
    const [entry] = await log.append([event(4)]);
    await log.close();
    expect(entry!.seq).toBe(4);
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, count: 4 });
  });

  it('drops a torn line that is the whole file', async () => {
    const file = await tempLogPath();
    await writeFile(file, '{"seq":1,"ti');
    const log = await AuditLog.open(file);
    expect(log.head()).toBeUndefined();
    expect((await log.append([event(1)]))[0]!.seq).toBe(1);
    await log.close();
    expect(await verifyAuditLog(file)).toMatchObject({ ok: true, count: 1 });
  });

  it('refuses a log whose last complete line is corrupt and leaves it byte-identical', async () => {
    const file = await logWith(3);
    const text = await readFile(file, 'utf8');
    const corrupt = text.replace(/"reason 3"/, '"reason X"');
    await writeFile(file, corrupt + '{"seq":4'); // with a torn tail too: still nothing may change

    await expect(AuditLog.open(file)).rejects.toThrow(AuditLogError);
    await expect(AuditLog.open(file)).rejects.toThrow(/last complete line.*hash does not match/);
    expect(await readFile(file, 'utf8')).toBe(corrupt + '{"seq":4');
  });

  it('refuses a log whose unterminated tail is not a torn entry', async () => {
    const file = await logWith(1);
    await appendFile(file, 'not ours');
    const before = await readFile(file);
    await expect(AuditLog.open(file)).rejects.toThrow(/tail is not a torn entry/);
    expect(await readFile(file)).toEqual(before);
  });

  it('opens from the end without reading earlier lines, across lines longer than a read chunk', async () => {
    const source = await tempLogPath();
    const log = await AuditLog.open(source);
    const [entry] = await log.append([event(7, { details: { blob: 'x'.repeat(200_000) } })]);
    await log.close();

    // Earlier garbage is verify's business; open only needs the last line to chain onto.
    const file = await tempLogPath();
    await writeFile(file, 'garbage\n'.repeat(10_000) + (await readFile(source, 'utf8')));
    const reopened = await AuditLog.open(file);
    expect(reopened.head()).toEqual({ seq: 1, hash: entry!.hash, eventId: entry!.eventId });
    await reopened.close();
  });

  it.each([
    ['secret', { secret: 'x' }],
    ['password', { Password: 'x' }],
    ['token', { apiToken: 'x' }],
    ['private key', { private_key: 'x' }],
    ['seed', { mfaSeed: 'x' }],
    ['secret access key', { SecretAccessKey: 'x' }],
    ['credential', { credentialValue: 'x' }],
    ['nested key', { result: { keys: [{ secret_key: 'x' }] } }],
    ['Secret value', { note: new Secret('s3cr3t') }],
    ['nested Secret value', { list: [1, { any: new Secret('s3cr3t') }] }],
    ['key revealed by toJSON', { response: { toJSON: () => ({ SecretAccessKey: 'x' }) } }],
  ])('refuses details holding a %s and writes nothing', async (_name, details) => {
    const file = await logWith(1);
    const before = await readFile(file);
    const log = await AuditLog.open(file);
    const head = log.head();
    await expect(log.append([event(2), event(3, { details })])).rejects.toThrow(AuditLogError);
    expect(log.head()).toEqual(head);
    expect((await log.append([event(4)]))[0]!.seq).toBe(2); // the log is still usable
    await log.close();
    expect((await readFile(file)).subarray(0, before.length)).toEqual(before);
    expect(await readLines(file)).toHaveLength(2);
  });

  it('accepts keys that only identify a secret', async () => {
    const file = await tempLogPath();
    const log = await AuditLog.open(file);
    await expect(
      log.append([event(1, { details: { tokenId: 't1', secretName: 'n', accessKeyId: 'AK' } })]),
    ).resolves.toHaveLength(1);
    await log.close();
  });

  it('refuses details that are not JSON, and invalid times, writing nothing', async () => {
    const file = await tempLogPath();
    const log = await AuditLog.open(file);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(log.append([event(1, { details: { n: Number.NaN } })])).rejects.toThrow(/not JSON/);
    await expect(log.append([event(1, { details: cyclic })])).rejects.toThrow(AuditLogError);
    await expect(log.append([event(1, { time: Number.NaN })])).rejects.toThrow(/not a valid instant/);
    await expect(log.append([event(1, { actor: '' })])).rejects.toThrow(/cannot be logged/);
    await log.close();
    expect((await stat(file)).size).toBe(0);
  });

  it('refuses appends after close, once queued appends have landed', async () => {
    const file = await tempLogPath();
    const log = await AuditLog.open(file);
    const queued = log.append([event(1)]);
    const closed = log.close();
    await expect(log.append([event(2)])).rejects.toThrow(/closed/);
    await expect(queued).resolves.toHaveLength(1);
    await closed;
    expect(await readLines(file)).toHaveLength(1);
  });
});
