/**
 * The append-only, hash-chained audit log: one JSON line per event, each line's hash covering the
 * previous one, so any later edit, deletion, insertion or reordering breaks the chain (see verify.ts).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import canonicalize from 'canonicalize';
import { replaceFile } from '../files/replace-file.ts';
import { type AuditEntry, type AuditHead, GENESIS_HASH, formatLine, hashEntry, headOf, parseLine } from './entry.ts';
import { AuditLogError } from './errors.ts';
import { assertNoSecrets } from './secrets.ts';
import { LineAppender } from '../files/jsonl-file.ts';
import { readTail } from '../files/tail.ts';
import type { AuditRecord } from '../domain/audit-event.ts';
import { scrubDeep } from '../domain/scrub.ts';

export type { AuditEntry, AuditHead } from './entry.ts';
export { AuditLogError } from './errors.ts';

/** What a caller hands in; the log adds seq, prevHash and hash. */
export type AuditEventInput = AuditRecord;

/** How many recent appends `entryOf` remembers: far more than notices ever wait in the outbox. */
const RECENT_EVENTS = 10_000;

type Prepared = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

export class AuditLog {
  readonly #fh: FileHandle;
  readonly #appender: LineAppender;
  #head: AuditHead | undefined;
  /** Appends run one after another through this chain; each needs the head the previous one left. */
  #queue: Promise<unknown> = Promise.resolve();
  #closing: Promise<void> | undefined;
  /** Event id → where it was written, for the most recent appends: notices quote it in Slack. */
  readonly #recent = new Map<string, { seq: number; hash: string }>();

  /**
   * Bytes of a torn final line dropped at open: an append that crashed mid-write and so was never
   * acknowledged. 0 when the log ended cleanly.
   */
  readonly droppedTornBytes: number;
  /** Where those bytes were moved (`<file>.torn-<ms>`): nothing is deleted. */
  readonly tornSetAside: string | undefined;

  private constructor(fh: FileHandle, size: number, head: AuditHead | undefined, torn: { bytes: number; side?: string }) {
    this.#fh = fh;
    this.#appender = new LineAppender(fh, size);
    this.#head = head;
    this.droppedTornBytes = torn.bytes;
    this.tornSetAside = torn.side;
  }

  /**
   * Opens (or creates, mode 0600) the log, reading only its end. A torn final line is moved to a side
   * file and cut off (the store's outbox writes its event again);
   * a damaged last complete line is refused without touching the file, because appending after it
   * would chain new entries onto an entry nobody can vouch for.
   */
  static async open(file: string): Promise<AuditLog> {
    const fh = await openOrCreate(file);
    try {
      const { size } = await fh.stat();
      const tail = await readTail(fh, size);
      let head: AuditHead | undefined;
      if (tail.lastLine !== undefined) {
        const entry = parseLine(tail.lastLine);
        if (typeof entry === 'string') {
          throw new AuditLogError(
            `${file}: the last complete line is ${entry}; nothing was changed — run "audit verify" and repair the log by hand`,
          );
        }
        head = headOf(entry);
      }
      if (tail.tornByte !== undefined) {
        // A crash leaves a prefix of one of our lines, or zero-filled blocks; anything else is not ours
        // to throw away.
        if (tail.tornByte !== 0x7b /* { */ && tail.tornByte !== 0) {
          throw new AuditLogError(`${file}: does not end with a newline and its tail is not a torn entry; nothing was changed`);
        }
        const side = `${file}.torn-${Date.now()}`;
        const torn = Buffer.alloc(size - tail.completeEnd);
        await fh.read(torn, 0, torn.length, tail.completeEnd);
        await replaceFile(side, torn);
        await fh.truncate(tail.completeEnd);
        await fh.sync();
        return new AuditLog(fh, tail.completeEnd, head, { bytes: torn.length, side });
      }
      return new AuditLog(fh, tail.completeEnd, head, { bytes: 0 });
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** The last entry written, or undefined for an empty log. */
  head(): AuditHead | undefined {
    return this.#head;
  }

  /**
   * Appends events in order, as one write followed by fsync; resolves once they are durable.
   * Concurrent calls queue. Inputs are checked and copied at call time, and a refused event (a secret
   * in its details, a value that is not JSON) refuses the whole call with nothing written.
   */
  async append(events: readonly AuditEventInput[]): Promise<AuditEntry[]> {
    if (this.#closing) throw new AuditLogError('the audit log is closed');
    const prepared = events.map(prepare);
    if (prepared.length === 0) return [];
    const written = this.#queue.then(() => this.#write(prepared));
    this.#queue = written.catch(() => undefined);
    return written;
  }

  /**
   * Where a recently appended event was written (this process's last RECENT_EVENTS appends), or
   * undefined: older or not yet written.
   */
  entryOf(eventId: string): { seq: number; hash: string } | undefined {
    return this.#recent.get(eventId);
  }

  /** Waits for queued appends, then closes the file. */
  close(): Promise<void> {
    this.#closing ??= this.#queue.then(() => this.#fh.close());
    return this.#closing;
  }

  async #write(prepared: readonly Prepared[]): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let { seq, hash: prevHash } = this.#head ?? { seq: 0, hash: GENESIS_HASH };
    const lines: string[] = [];
    for (const p of prepared) {
      const body = { seq: ++seq, ...p, prevHash };
      const entry: AuditEntry = { ...body, hash: hashEntry(body) };
      const line = formatLine(entry);
      // Never write a line that open() or verify would reject.
      const problem = parseLine(line);
      if (typeof problem === 'string') throw new AuditLogError(`event ${p.eventId} cannot be logged: ${problem}`);
      entries.push(entry);
      lines.push(line);
      prevHash = entry.hash;
    }
    try {
      // An append cut short is cut back off before the next one (LineAppender): the chain goes on intact.
      await this.#appender.append(lines);
    } catch (err) {
      throw new AuditLogError(`audit append failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    this.#head = headOf(entries[entries.length - 1]!);
    for (const e of entries) this.#recent.set(e.eventId, { seq: e.seq, hash: e.hash });
    // Maps iterate in insertion order: the first keys are the oldest.
    for (const oldest of this.#recent.keys()) {
      if (this.#recent.size <= RECENT_EVENTS) break;
      this.#recent.delete(oldest);
    }
    return entries;
  }
}

/** Checks an event and freezes its details as plain JSON, so later changes by the caller cannot leak in. */
function prepare(input: AuditEventInput): Prepared {
  assertNoSecrets(input.details);
  const time = new Date(input.time);
  if (Number.isNaN(time.getTime())) throw new AuditLogError(`event ${input.eventId}: time ${input.time} is not a valid instant`);
  let details: unknown;
  try {
    details = JSON.parse(canonicalize(input.details) ?? 'null');
  } catch (err) {
    throw new AuditLogError(`event ${input.eventId}: details are not JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    throw new AuditLogError(`event ${input.eventId}: details must be a JSON object`);
  }
  // Again on the JSON form: a value's toJSON() can bring out keys the raw object did not show.
  assertNoSecrets(details as Record<string, unknown>);
  return {
    time: time.toISOString(),
    eventId: input.eventId,
    requestId: input.requestId ?? null,
    requestRef: input.requestRef ?? null,
    actor: input.actor,
    event: input.event,
    // Last line of defence: a credential's value (a provider's echo) never enters the chain.
    details: scrubDeep(details as Record<string, unknown>),
  };
}

/** Opens for read + append, creating the file 0600 and making its directory entry durable if new. */
async function openOrCreate(file: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'ax+', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return open(file, 'a+');
  }
  try {
    const dir = await open(dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (err) {
    await fh.close();
    throw err;
  }
  return fh;
}
