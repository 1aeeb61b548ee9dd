import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { type AuditEntry, hashEntry } from '../../src/audit/entry.ts';
import { verifyAuditLog } from '../../src/audit/verify.ts';
import { logWith, readLines, tempLogPath, writeLines } from './support.ts';

/** The log's lines after `edit`, written back. */
async function tamper(file: string, edit: (lines: string[]) => string[]): Promise<void> {
  await writeLines(file, edit(await readLines(file)));
}

function headOfLine(line: string): { seq: number; hash: string } {
  const { seq, hash } = JSON.parse(line) as { seq: number; hash: string };
  return { seq, hash };
}

describe('verifyAuditLog', () => {
  it('accepts an intact log and reports its head', async () => {
    const file = await logWith(5);
    const last = JSON.parse((await readLines(file))[4]!) as { hash: string; eventId: string };
    expect(await verifyAuditLog(file)).toEqual({
      ok: true,
      count: 5,
      head: { seq: 5, hash: last.hash, eventId: last.eventId },
    });
  });

  it('accepts an empty log', async () => {
    const file = await tempLogPath();
    await writeFile(file, '');
    expect(await verifyAuditLog(file)).toEqual({ ok: true, count: 0 });
  });

  it('names the entry whose details value had one character flipped', async () => {
    const file = await logWith(5);
    await tamper(file, (lines) => lines.map((l, i) => (i === 2 ? l.replace('"reason 3"', '"reason 8"') : l)));
    expect(await verifyAuditLog(file)).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/hash/) });
  });

  it('catches an edit that JSON parsing alone would forgive', async () => {
    const file = await logWith(3);
    await tamper(file, (lines) => lines.map((l, i) => (i === 1 ? l.replace('"reason 2"', '"reason \\u0032"') : l)));
    expect(await verifyAuditLog(file)).toMatchObject({ ok: false, seq: 2 });
  });

  it('reports JSON that canonical JSON refuses (a lone surrogate) instead of throwing', async () => {
    const file = await logWith(3);
    await tamper(file, (lines) => lines.map((l, i) => (i === 1 ? l.replace('"reason 2"', '"reason \\ud800"') : l)));
    expect(await verifyAuditLog(file)).toMatchObject({
      ok: false,
      seq: 2,
      problem: expect.stringMatching(/canonical/),
    });
  });

  it('reports an unparseable line at the seq it should have had', async () => {
    const file = await logWith(4);
    await tamper(file, (lines) => lines.map((l, i) => (i === 1 ? l.slice(0, -3) : l)));
    expect(await verifyAuditLog(file)).toMatchObject({ ok: false, seq: 2, problem: expect.stringMatching(/JSON/) });
  });

  it('catches a deleted line', async () => {
    const file = await logWith(5);
    await tamper(file, (lines) => lines.filter((_, i) => i !== 2));
    expect(await verifyAuditLog(file)).toMatchObject({ ok: false, seq: 3 });
  });

  it('catches an inserted copy of another line', async () => {
    const file = await logWith(5);
    await tamper(file, (lines) => [...lines.slice(0, 3), lines[0]!, ...lines.slice(3)]);
    expect(await verifyAuditLog(file)).toMatchObject({ ok: false, seq: 4 });
  });

  it('catches two swapped lines', async () => {
    const file = await logWith(5);
    await tamper(file, (lines) => [lines[0]!, lines[2]!, lines[1]!, lines[3]!, lines[4]!]);
    expect(await verifyAuditLog(file)).toMatchObject({ ok: false, seq: 2 });
  });

  it('catches a rewritten entry whose own hash was recomputed, at that entry', async () => {
    const file = await logWith(4);
    await tamper(file, (lines) =>
      lines.map((l, i) => {
        if (i !== 1) return l;
        const { hash: _old, ...body } = JSON.parse(l) as AuditEntry;
        const forged = { ...body, actor: 'U_FORGED' };
        return JSON.stringify({ ...forged, hash: hashEntry(forged) });
      }),
    );
    expect(await verifyAuditLog(file)).toMatchObject({ ok: false, seq: 2, problem: expect.stringMatching(/chain/) });
  });

  it('reports truncation against the expected head at the first missing seq', async () => {
    const file = await logWith(5);
    const expected = headOfLine((await readLines(file))[4]!);
    await tamper(file, (lines) => lines.slice(0, 3));
    expect(await verifyAuditLog(file)).toEqual({ ok: true, count: 3, head: expect.anything() });
    expect(await verifyAuditLog(file, expected)).toMatchObject({
      ok: false,
      seq: 4,
      problem: expect.stringMatching(/truncated/),
    });
  });

  it('reports a rewritten tail against the expected head', async () => {
    const file = await logWith(5);
    const expected = headOfLine((await readLines(file))[4]!);
    // Rebuild a consistent chain of the same length: the chain alone cannot tell.
    const other = await logWith(5);
    expect(await verifyAuditLog(other)).toMatchObject({ ok: true, count: 5 });
    expect(await verifyAuditLog(other, expected)).toMatchObject({
      ok: false,
      seq: 5,
      problem: expect.stringMatching(/rewritten/),
    });
  });

  it('accepts a log that grew past the expected head', async () => {
    const file = await logWith(5);
    const expected = headOfLine((await readLines(file))[2]!);
    expect(await verifyAuditLog(file, expected)).toMatchObject({ ok: true, count: 5 });
  });

  it('rejects for a missing file', async () => {
    await expect(verifyAuditLog(`${await tempLogPath()}.missing`)).rejects.toThrow(/ENOENT/);
  });
});
