/** Exports audit entries, optionally from a point in time, as JSON lines or CSV. */
import { open } from 'node:fs/promises';
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
  format: 'jsonl' | 'csv';
}

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
    for await (const { line, entry } of readEntries(file)) {
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

/** Just enough parsing to select and reshape entries; the chain itself is `verifyAuditLog`'s concern. */
function parseEntry(line: string): AuditEntry | undefined {
  try {
    const entry = JSON.parse(line) as Partial<AuditEntry> | null;
    return typeof entry?.time === 'string' && !Number.isNaN(Date.parse(entry.time)) ? (entry as AuditEntry) : undefined;
  } catch {
    return undefined;
  }
}
