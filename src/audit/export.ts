/**
 * Exports audit entries, optionally from a point in time or after a sequence number, as JSON lines or
 * CSV; with `follow`, keeps streaming entries as the bot appends them (for a SIEM, resumable by `seq`).
 */
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import canonicalize from 'canonicalize';
import { stringify } from 'csv-stringify';
import type { AuditEntry } from './entry.ts';
import { AuditLogError } from './errors.ts';

export interface ExportOptions {
  /** Keep entries with time >= since. */
  since?: Date;
  /** Keep entries with seq > afterSeq: a consumer resumes from the last sequence number it stored. */
  afterSeq?: number;
  format: 'jsonl' | 'csv';
  /** Keep reading as entries are appended, until the signal aborts. */
  follow?: { signal: AbortSignal; pollMs?: number };
}

const DEFAULT_POLL_MS = 500;

const CSV_COLUMNS = [
  'seq', 'time', 'eventId', 'requestId', 'requestRef', 'actor', 'event', 'details', 'prevHash', 'hash',
] as const satisfies readonly (keyof AuditEntry)[];

/**
 * Writes the selected entries to `out` (left open: the caller owns it) and returns how many. This
 * does not verify the chain, so a damaged log can still be exported for inspection, but it refuses a
 * line that is not an entry at all.
 */
export async function exportAudit(file: string, options: ExportOptions, out: NodeJS.WritableStream): Promise<number> {
  let count = 0;
  const selected = async function* () {
    const entries = options.follow ? followEntries(file, options.follow) : readEntries(file);
    for await (const { line, entry } of entries) {
      if (options.afterSeq !== undefined && entry.seq <= options.afterSeq) continue;
      // Times are not guaranteed monotonic (they come from callers), so every line is tested.
      if (options.since && Date.parse(entry.time) < options.since.getTime()) continue;
      count++;
      yield { line, entry };
    }
  };
  if (options.format === 'jsonl') {
    const lines = async function* () {
      for await (const { line } of selected()) yield `${line}\n`;
    };
    await pipeline(Readable.from(lines()), out, { end: false });
  } else {
    const rows = async function* () {
      for await (const { entry } of selected()) yield { ...entry, details: canonicalize(entry.details) };
    };
    await pipeline(Readable.from(rows()), stringify({ header: true, columns: [...CSV_COLUMNS] }), out, { end: false });
  }
  return count;
}

async function* readEntries(file: string): AsyncGenerator<{ line: string; entry: AuditEntry }> {
  const input = (await open(file, 'r')).createReadStream();
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      const entry = parseEntry(line);
      if (!entry) throw new AuditLogError(`${file}: line ${n} is not an audit entry; run "audit verify"`);
      yield { line, entry };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/**
 * Reads complete lines from the start of the file, then waits for more: the log is append-only, so what
 * is read once never changes, and a line is only handed on once its newline is written. Polling rather than
 * fs.watch, which misses appends on network and container file systems.
 */
async function* followEntries(file: string, follow: { signal: AbortSignal; pollMs?: number }): AsyncGenerator<{ line: string; entry: AuditEntry }> {
  const fh = await open(file, 'r');
  const chunk = Buffer.alloc(64 * 1024);
  let offset = 0;
  let pending = Buffer.alloc(0);
  let n = 0;
  try {
    while (!follow.signal.aborted) {
      const { size } = await fh.stat();
      if (size < offset) throw new AuditLogError(`${file}: shrank from ${offset} to ${size} bytes while being followed; run "audit verify"`);
      if (size === offset) {
        await sleep(follow.pollMs ?? DEFAULT_POLL_MS, undefined, { signal: follow.signal }).catch(() => undefined);
        continue;
      }
      const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, size - offset), offset);
      offset += bytesRead;
      pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
      for (let end = pending.indexOf(0x0a); end !== -1; end = pending.indexOf(0x0a)) {
        const line = pending.subarray(0, end).toString('utf8');
        pending = pending.subarray(end + 1);
        n++;
        const entry = parseEntry(line);
        if (!entry) throw new AuditLogError(`${file}: line ${n} is not an audit entry; run "audit verify"`);
        yield { line, entry };
      }
    }
  } finally {
    await fh.close();
  }
}

/** Just enough parsing to select and reshape entries; the chain itself is `verifyAuditLog`'s concern. */
function parseEntry(line: string): AuditEntry | undefined {
  try {
    const entry = JSON.parse(line) as Partial<AuditEntry> | null;
    return typeof entry?.time === 'string' && !Number.isNaN(Date.parse(entry.time)) ? (entry as AuditEntry) : undefined;
  } catch {
    return undefined;
  }
}
