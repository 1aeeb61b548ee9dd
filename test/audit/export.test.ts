import { appendFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { exportAudit } from '../../src/audit/export.ts';
import { captureOutput } from '../support/capture-log.ts';
import { T0, event, logWith, readLines, tempLogPath, writeLines } from './support.ts';

/** A writable that keeps what it is given, so tests can check the export and that it was left open. */
function sink(): Writable & { text: () => string } {
  const { destination, text } = captureOutput();
  return Object.assign(destination, { text });
}

/** RFC 4180 parsing, enough to read the export back: quoted fields, doubled quotes, CRLF or LF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',' || c === '\n') {
      row.push(field);
      field = '';
      if (c === '\n') {
        rows.push(row);
        row = [];
      }
    } else if (c !== '\r') {
      field += c;
    }
  }
  return rows;
}

const HEADER = ['seq', 'time', 'eventId', 'requestId', 'requestRef', 'actor', 'event', 'details', 'prevHash', 'hash'];

describe('exportAudit', () => {
  it('writes jsonl lines exactly as stored and leaves the stream open', async () => {
    const file = await logWith(4);
    const out = sink();
    expect(await exportAudit(file, { format: 'jsonl' }, out)).toBe(4);
    expect(out.text()).toBe((await readLines(file)).map((l) => `${l}\n`).join(''));
    expect(out.writableEnded).toBe(false);
  });

  it('keeps entries with time >= since', async () => {
    const file = await logWith(5); // entry n is at T0 + n minutes
    const out = sink();
    expect(await exportAudit(file, { format: 'jsonl', since: new Date(T0 + 3 * 60_000) }, out)).toBe(3);
    expect(
      out
        .text()
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { seq: number }).seq),
    ).toEqual([3, 4, 5]);
  });

  it('writes csv with a header, and fields with commas and quotes survive a round trip', async () => {
    const file = await tempLogPath();
    const log = await AuditLog.open(file);
    const tricky = 'needs access, "urgently"\nsecond line';
    const entries = await log.append([
      event(1, { requestId: undefined, requestRef: undefined, actor: 'system', details: {} }),
      event(2, { details: { reason: tricky, group: 'admins' } }),
    ]);
    await log.close();

    const out = sink();
    expect(await exportAudit(file, { format: 'csv' }, out)).toBe(2);
    const rows = parseCsv(out.text());
    expect(rows[0]).toEqual(HEADER);
    expect(rows.slice(1)).toEqual(
      entries.map((e) => [
        String(e.seq),
        e.time,
        e.eventId,
        e.requestId ?? '',
        e.requestRef ?? '',
        e.actor,
        e.event,
        JSON.stringify(e.details),
        e.prevHash,
        e.hash,
      ]),
    );
    expect(JSON.parse(rows[2]![7]!)).toEqual({ group: 'admins', reason: tricky });
  });

  it('csv with since writes the header and only later entries', async () => {
    const file = await logWith(3);
    const out = sink();
    expect(await exportAudit(file, { format: 'csv', since: new Date(T0 + 3 * 60_000) }, out)).toBe(1);
    const rows = parseCsv(out.text());
    expect(rows.map((r) => r[0])).toEqual(['seq', '3']);
  });

  it('refuses a line that is not an entry', async () => {
    const file = await logWith(2);
    await appendFile(file, 'garbage\n');
    await expect(exportAudit(file, { format: 'jsonl' }, sink())).rejects.toThrow(/line 3 is not an audit entry/);
  });
});

describe('exportAudit --follow (a SIEM feed)', () => {
  const seqs = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { seq: number }).seq);

  async function until(check: () => boolean): Promise<void> {
    while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  it('streams what is there, then each entry the bot appends, only once its line is complete, until stopped', async () => {
    const file = await logWith(2);
    const out = sink();
    const stop = new AbortController();
    const done = exportAudit(file, { format: 'jsonl', follow: { signal: stop.signal, pollMs: 5 } }, out);
    await until(() => seqs(out.text()).length === 2);

    const log = await AuditLog.open(file);
    await log.append([event(3), event(4)]);
    await until(() => seqs(out.text()).length === 4);
    const fifth = await log.append([event(5)]);
    await log.close();
    const line = `${JSON.stringify(fifth[0])}`;
    // A writer's half-written line (torn by a crash, or still being written) is not handed on.
    await appendFile(file, line.slice(0, 40));
    await until(() => seqs(out.text()).length === 5);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(out.text().endsWith('\n')).toBe(true);
    stop.abort();
    expect(await done).toBe(5);
    expect(seqs(out.text())).toEqual([1, 2, 3, 4, 5]);
    expect(out.text()).toBe(
      (await readLines(file))
        .slice(0, 5)
        .map((l) => `${l}\n`)
        .join(''),
    );
  });

  it('resumes after the last sequence number a consumer stored', async () => {
    const file = await logWith(4);
    const out = sink();
    const stop = new AbortController();
    const done = exportAudit(file, { format: 'jsonl', afterSeq: 2, follow: { signal: stop.signal, pollMs: 5 } }, out);
    await until(() => seqs(out.text()).length === 2);
    stop.abort();
    await done;
    expect(seqs(out.text())).toEqual([3, 4]);
    expect(await exportAudit(file, { format: 'jsonl', afterSeq: 3 }, sink())).toBe(1);
  });

  it('stops with a clear error when the followed log shrinks', async () => {
    const file = await logWith(3);
    const stop = new AbortController();
    const out = sink();
    const done = exportAudit(file, { format: 'jsonl', follow: { signal: stop.signal, pollMs: 5 } }, out);
    await until(() => seqs(out.text()).length === 3);
    // Watched before the shrink: the poll may notice it while the file is still being rewritten.
    const refused = expect(done).rejects.toThrow(/shrank .* while being followed; run "audit verify"/);
    await writeLines(file, (await readLines(file)).slice(0, 1));
    await refused;
  });
});
