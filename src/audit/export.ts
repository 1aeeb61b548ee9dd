/**
 * Exports audit entries, optionally from a point in time or after a sequence number, as JSON lines or
 * CSV, or as one file per day; with `follow`, keeps streaming entries as the bot appends them (for a SIEM,
 * resumable by `seq`).
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import canonicalize from 'canonicalize';
import { stringify } from 'csv-stringify';
import { AUDIT_FIELDS, type AuditEntry } from './entry.ts';
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

/** The audit log kept elsewhere than in a file (a database table): its lines, exactly as stored. */
export interface StoredAuditLines {
  /** How messages name it. */
  name: string;
  /** The lines of the entries after `afterSeq` (default 0: all), in order. */
  lines(afterSeq?: number): AsyncIterable<string>;
}

/** The audit log to read: its file, or where else it is stored. */
export type AuditSource = string | StoredAuditLines;

/**
 * Writes the selected entries to `out` (left open: the caller owns it) and returns how many. This
 * does not verify the chain, so a damaged log can still be exported for inspection, but it refuses a
 * line that is not an entry at all.
 */
export async function exportAudit(
  source: AuditSource,
  options: ExportOptions,
  out: NodeJS.WritableStream,
): Promise<number> {
  let count = 0;
  const selected = async function* () {
    const entries = options.follow ? followEntries(source, options.follow) : readEntries(source);
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
    // A row has the columns a line has, in the same order: the one list in entry.ts.
    await pipeline(Readable.from(rows()), stringify({ header: true, columns: [...AUDIT_FIELDS] }), out, { end: false });
  }
  return count;
}

/** The log's entries with their lines, in order; refuses a line that is not an entry at all. */
export async function* readEntries(
  source: AuditSource,
  afterSeq = 0,
): AsyncGenerator<{ line: string; entry: AuditEntry }> {
  if (typeof source !== 'string') {
    for await (const line of source.lines(afterSeq)) {
      const entry = parseEntry(line);
      if (!entry)
        throw new AuditLogError(
          'audit_unreadable',
          `${source.name}: entry after ${afterSeq} is not an audit entry; run "audit verify"`,
        );
      afterSeq = entry.seq;
      yield { line, entry };
    }
    return;
  }
  const file = source;
  const input = (await open(file, 'r')).createReadStream();
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      const entry = parseEntry(line);
      if (!entry)
        throw new AuditLogError('audit_unreadable', `${file}: line ${n} is not an audit entry; run "audit verify"`);
      yield { line, entry };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Reads the whole log, then waits for more, polling (a table is asked for the entries after the last one read). */
async function* followEntries(
  source: AuditSource,
  follow: { signal: AbortSignal; pollMs?: number },
): AsyncGenerator<{ line: string; entry: AuditEntry }> {
  if (typeof source === 'string') {
    yield* followFile(source, follow);
    return;
  }
  let last = 0;
  while (!follow.signal.aborted) {
    for await (const read of readEntries(source, last)) {
      last = read.entry.seq;
      yield read;
    }
    await sleep(follow.pollMs ?? DEFAULT_POLL_MS, undefined, { signal: follow.signal }).catch(() => undefined);
  }
}

/**
 * Reads complete lines from the start of the file, then waits for more: the log is append-only, so what
 * is read once never changes, and a line is only handed on once its newline is written. Polling rather than
 * fs.watch, which misses appends on network and container file systems.
 */
async function* followFile(
  file: string,
  follow: { signal: AbortSignal; pollMs?: number },
): AsyncGenerator<{ line: string; entry: AuditEntry }> {
  const fh = await open(file, 'r');
  const chunk = Buffer.alloc(64 * 1024);
  let offset = 0;
  let pending = Buffer.alloc(0);
  let n = 0;
  try {
    while (!follow.signal.aborted) {
      const { size } = await fh.stat();
      if (size < offset)
        throw new AuditLogError(
          'audit_unreadable',
          `${file}: shrank from ${offset} to ${size} bytes while being followed; run "audit verify"`,
        );
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
        if (!entry)
          throw new AuditLogError('audit_unreadable', `${file}: line ${n} is not an audit entry; run "audit verify"`);
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

/** One day's file written by `exportDays`. */
export interface DayFile {
  /** `audit-YYYY-MM-DD.jsonl`, the UTC day of the entries' times. */
  name: string;
  entries: number;
  sha256: string;
  /** `unchanged`: an identical file was already there; `grown`: the day had more entries since the last export. */
  status: 'written' | 'grown' | 'unchanged';
}

/**
 * Writes the log as one JSON-lines file per UTC day into `dir`, each with a `.sha256` beside it in
 * `sha256sum` form, ready to be copied to write-once (object-lock) storage. Lines are kept exactly as
 * logged. A day already exported may only grow (today's file, exported again later): a file whose
 * content is not a prefix of the new one means the log changed under an exported day, and is refused
 * with nothing replaced for that day. `since` selects whole UTC days: the day it falls in and later.
 */
export async function exportDays(source: AuditSource, dir: string, options: { since?: Date } = {}): Promise<DayFile[]> {
  await mkdir(dir, { recursive: true });
  const days = new Map<string, { partial: string; out: FileHandle; hash: Hash; entries: number }>();
  try {
    const from = options.since?.toISOString().slice(0, 10);
    for await (const { line, entry } of readEntries(source)) {
      const date = new Date(entry.time).toISOString().slice(0, 10);
      if (from !== undefined && date < from) continue;
      const name = `audit-${date}.jsonl`;
      let day = days.get(name);
      if (!day) {
        const partial = join(dir, `.${name}.partial`);
        day = { partial, out: await open(partial, 'w', 0o600), hash: createHash('sha256'), entries: 0 };
        days.set(name, day);
      }
      await day.out.appendFile(`${line}\n`);
      day.hash.update(`${line}\n`);
      day.entries++;
    }
    for (const day of days.values()) await day.out.sync();
  } finally {
    for (const day of days.values()) await day.out.close();
  }
  const written: DayFile[] = [];
  const refused: string[] = [];
  for (const [name, day] of [...days].sort(([a], [b]) => a.localeCompare(b))) {
    const target = join(dir, name);
    const sha256 = day.hash.digest('hex');
    const status = await compareWithExisting(target, day.partial);
    if (status === 'refused') {
      refused.push(name);
      await rm(day.partial);
      continue;
    }
    if (status === 'unchanged') await rm(day.partial);
    else {
      await rename(day.partial, target);
      await writeFile(join(dir, `${name}.sha256`), `${sha256}  ${name}\n`, { mode: 0o600 });
    }
    written.push({ name, entries: day.entries, sha256, status });
  }
  if (refused.length > 0) {
    throw new AuditLogError(
      'audit_export_conflict',
      `${dir}: ${refused.join(', ')} already hold entries the log no longer has in that order; they were left as they are — run "audit verify" and compare them with the log`,
    );
  }
  return written;
}

/** How the new day file relates to one already exported under the same name. */
async function compareWithExisting(target: string, fresh: string): Promise<DayFile['status'] | 'refused'> {
  let before: Buffer;
  try {
    before = await readFile(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'written';
    throw err;
  }
  const after = await readFile(fresh);
  if (before.equals(after)) return 'unchanged';
  return after.subarray(0, before.length).equals(before) ? 'grown' : 'refused';
}
