import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFiles } from '../../src/app.ts';
import { formatLine, hashEntry, GENESIS_HASH, type AuditEntry } from '../../src/audit/entry.ts';
import { LowdbStore } from '../../src/store/lowdb-store.ts';
import { tempDir } from '../support/fixtures.ts';
import { cli } from '../support/cli.ts';
import { world } from '../support/services.ts';

let dir: { path: string; remove(): Promise<void> };
let original: string;
const data = () => ['--data', dir.path];
const file = () => dataFiles(dir.path).audit;

beforeAll(async () => {
  dir = await tempDir();
  const w = world(dir.path);
  const services = await w.open();
  const granted = await services.service.submit({
    requester: 'U_ALICE',
    itemId: 'cf-admins',
    reason: 'incident',
    duration: '2h',
  });
  await services.service.approve('U_BOB', granted.ref);
  w.clock.advance(24 * 3_600_000);
  const denied = await services.service.submit({
    requester: 'U_ALICE',
    itemId: 'cf-admins',
    reason: 'curious',
    duration: '1h',
  });
  await services.service.deny('U_CAROL', denied.ref, 'no ticket');
  await services.close();
  original = await readFile(file(), 'utf8');
});
afterAll(() => dir.remove());

const entries = () =>
  original
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditEntry);

/**
 * The log rewritten the way a careful attacker would: entry `seq` changed and every later entry
 * re-hashed, so the chain is intact; the store's remembered head is moved to the new head too.
 */
async function rewriteAt(seq: number): Promise<void> {
  let prevHash = GENESIS_HASH;
  const lines = entries().map((entry) => {
    const { hash: _old, ...body } = entry;
    const changed = { ...body, prevHash, ...(entry.seq === seq ? { actor: 'U_MALLORY' } : {}) };
    const next = { ...changed, hash: hashEntry(changed) };
    prevHash = next.hash;
    return formatLine(next);
  });
  await writeFile(file(), `${lines.join('\n')}\n`);
  const store = await LowdbStore.open({ dataDir: dir.path, checkAuditContinuity: false });
  const last = JSON.parse(lines.at(-1)!) as AuditEntry;
  await store.auditWritten({ seq: last.seq, hash: last.hash, eventId: last.eventId });
  await store.close();
}

describe('audit verify --checkpoint', () => {
  it('passes an untouched log against its checkpoints, given inline or in a file', async () => {
    const [, second, third] = entries();
    const inline = await cli(['audit', 'verify', '--checkpoint', `${third!.seq}:${third!.hash}`, ...data()]);
    expect(inline.code).toBe(0);
    const list = join(dir.path, 'checkpoints.txt');
    await writeFile(
      list,
      `# copied from #iam-audit\n:lock: Audit checkpoint ${second!.seq}:${second!.hash}\n\n${third!.seq}:${third!.hash}\n`,
    );
    const fromFile = await cli(['audit', 'verify', '--checkpoint', list, ...data()]);
    expect(fromFile.code).toBe(0);
  });

  it('fails naming the sequence of a checkpoint the rewritten log no longer matches; without it the rewrite goes unseen', async () => {
    const checkpoint = entries()[3]!;
    await rewriteAt(2);
    try {
      expect((await cli(['audit', 'verify', ...data()])).code).toBe(0);
      const result = await cli(['audit', 'verify', '--checkpoint', `${checkpoint.seq}:${checkpoint.hash}`, ...data()]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`broken at seq ${checkpoint.seq}:`);
      expect(result.stderr).toContain(`by checkpoint ${checkpoint.seq}`);
    } finally {
      await writeFile(file(), original);
      const last = entries().at(-1)!;
      const store = await LowdbStore.open({ dataDir: dir.path, checkAuditContinuity: false });
      await store.auditWritten({ seq: last.seq, hash: last.hash, eventId: last.eventId });
      await store.close();
    }
  });

  it('fails on a log cut before a checkpoint', async () => {
    const last = entries().at(-1)!;
    const cut = original.trim().split('\n').slice(0, 3);
    const copy = await mkdtemp(join(dir.path, 'cut-'));
    await writeFile(dataFiles(copy).audit, `${cut.join('\n')}\n`);
    const result = await cli(['audit', 'verify', '--checkpoint', `${last.seq}:${last.hash}`, '--data', copy]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('broken at seq 4:');
  });

  it('refuses a malformed checkpoint with exit 2, and a bad line of a file with file:line:col', async () => {
    const bad = await cli(['audit', 'verify', '--checkpoint', '3:abc', ...data()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--checkpoint expects SEQ:HASH');
    const list = join(dir.path, 'bad.txt');
    await writeFile(list, `${entries()[0]!.seq}:${entries()[0]!.hash}\n  seq three\n`);
    const badFile = await cli(['audit', 'verify', '--checkpoint', list, ...data()]);
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toContain(`${list}:2:3: expected a checkpoint SEQ:HASH`);
  });
});

describe('audit export --out', () => {
  it('writes one file per UTC day with its SHA-256, lines as logged; exporting again leaves them unchanged', async () => {
    const out = join(dir.path, 'export');
    const result = await cli(['audit', 'export', '--out', out, ...data()]);
    expect(result.code).toBe(0);
    const names = (await readdir(out)).sort();
    const days = names.filter((n) => n.endsWith('.jsonl'));
    expect(days).toHaveLength(2);
    expect(names).toEqual(days.flatMap((d) => [d, `${d}.sha256`]).sort());
    let joined = '';
    for (const day of days) {
      const body = await readFile(join(out, day), 'utf8');
      joined += body;
      const digest = createHash('sha256').update(body).digest('hex');
      expect(await readFile(join(out, `${day}.sha256`), 'utf8')).toBe(`${digest}  ${day}\n`);
      for (const line of body.trim().split('\n'))
        expect(day).toBe(`audit-${(JSON.parse(line) as AuditEntry).time.slice(0, 10)}.jsonl`);
    }
    expect(joined).toBe(original);
    const again = await cli(['audit', 'export', '--out', out, ...data()]);
    expect(again.stdout).toMatch(/\(unchanged\)/);
  });

  it('refuses to replace an exported day whose entries the log no longer has', async () => {
    const out = join(dir.path, 'export-tampered');
    await cli(['audit', 'export', '--out', out, ...data()]);
    const [first] = (await readdir(out)).filter((n) => n.endsWith('.jsonl')).sort();
    const before = await readFile(join(out, first!), 'utf8');
    await writeFile(join(out, first!), before.replace('U_BOB', 'U_BOX'));
    const result = await cli(['audit', 'export', '--out', out, ...data()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${first} already hold entries the log no longer has`);
    expect(await readFile(join(out, first!), 'utf8')).toBe(before.replace('U_BOB', 'U_BOX'));
  });
});
