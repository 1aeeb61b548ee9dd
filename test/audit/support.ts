/** Shared helpers for the audit tests: temp dirs, events, and raw line access to a log file. */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { AuditLog, type AuditEventInput } from '../../src/audit/audit-log.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh log path in a temp dir removed after the test. */
export async function tempLogPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'iam-bot-audit-'));
  dirs.push(dir);
  return join(dir, 'audit.jsonl');
}

export const T0 = Date.parse('2026-11-21T10:00:00.000Z');

export function event(n: number, overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    eventId: randomUUID(),
    time: T0 + n * 60_000,
    requestId: randomUUID(),
    requestRef: `REQ-${String(n).padStart(4, '0')}`,
    actor: `U${n}`,
    event: 'request.submitted',
    details: { n, reason: `reason ${n}` },
    ...overrides,
  };
}

/** A log holding `count` entries, written one append per entry. */
export async function logWith(count: number): Promise<string> {
  const file = await tempLogPath();
  const log = await AuditLog.open(file);
  for (let n = 1; n <= count; n++) await log.append([event(n)]);
  await log.close();
  return file;
}

/** The file's lines, without the final empty string after the trailing newline. */
export async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
}

export async function writeLines(file: string, lines: readonly string[]): Promise<void> {
  await writeFile(file, lines.map((l) => `${l}\n`).join(''));
}
