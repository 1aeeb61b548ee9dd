/**
 * The append-only, hash-chained audit log: one JSON line per event, each line's hash covering the
 * previous one, so any later edit, deletion, insertion or reordering breaks the chain (see verify.ts).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LineAppender } from '../files/jsonl-file.ts';
import { replaceFile } from '../files/replace-file.ts';
import { chainAfter, prepareEvent, type PreparedEvent } from './chain.ts';
import { type AuditEntry, type AuditHead, headOf, parseLine } from './entry.ts';
import { AuditLogError } from './errors.ts';
import { readTail } from '../files/tail.ts';
import type { AuditRecord } from '../domain/audit-event.ts';

export type { AuditEntry, AuditHead } from './entry.ts';
export { AuditLogError } from './errors.ts';

/** What a caller hands in; the log adds seq, prevHash and hash. */
export type AuditEventInput = AuditRecord;

/** How many recent appends `entryOf` remembers: far more than notices ever wait in the outbox. */
const RECENT_EVENTS = 10_000;

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

  private constructor(
    fh: FileHandle,
    size: number,
    head: AuditHead | undefined,
    torn: { bytes: number; side?: string },
  ) {
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
            'audit_unreadable',
            `${file}: the last complete line is ${entry}; nothing was changed — run "audit verify" and repair the log by hand`,
          );
        }
        head = headOf(entry);
      }
      if (tail.tornByte !== undefined) {
        // A crash leaves a prefix of one of our lines, or zero-filled blocks; anything else is not ours
        // to throw away.
        if (tail.tornByte !== 0x7b /* { */ && tail.tornByte !== 0) {
          throw new AuditLogError(
            'audit_unreadable',
            `${file}: does not end with a newline and its tail is not a torn entry; nothing was changed`,
          );
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
    if (this.#closing) throw new AuditLogError('audit_closed', 'the audit log is closed');
    const prepared = events.map(prepareEvent);
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

  async #write(prepared: readonly PreparedEvent[]): Promise<AuditEntry[]> {
    const chained = chainAfter(this.#head, prepared);
    const entries = chained.map((c) => c.entry);
    const lines = chained.map((c) => c.line);
    try {
      // An append cut short is cut back off before the next one (LineAppender): the chain goes on intact.
      await this.#appender.append(lines);
    } catch (err) {
      throw new AuditLogError(
        'audit_append_failed',
        `audit append failed: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
        },
      );
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
