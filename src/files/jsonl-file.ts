/**
 * Append-only JSON-lines files. A crash mid-append can leave a last line without its newline. If that line
 * is a whole record it is data, and gets its newline back; otherwise it was never acknowledged, and is
 * moved to a side file next to the log (never deleted) before being cut off. Anything else that does
 * not parse is damage, reported with file:line and never repaired.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { replaceFile } from './replace-file.ts';
import { readTail } from './tail.ts';

export interface JsonlLine {
  /** 1-based line number. */
  line: number;
  offset: number;
  length: number;
  text: string;
}

export interface OpenedJsonl {
  handle: FileHandle;
  size: number;
  /** What opening repaired, for the operator: one sentence each. */
  notes: string[];
}

/**
 * Opens (creating) a JSON-lines file for appending. A last line without its newline is kept when
 * `isRecord` accepts it, else moved aside to `<file>.torn-<ms>`.
 */
export async function openJsonl(file: string, isRecord: (text: string) => boolean): Promise<OpenedJsonl> {
  const handle = await open(file, 'a+', 0o600);
  try {
    const { size } = await handle.stat();
    const { completeEnd } = await readTail(handle, size);
    if (completeEnd === size) return { handle, size, notes: [] };
    const torn = await readAt(handle, completeEnd, size - completeEnd);
    if (isRecord(torn)) {
      await appendLines(handle, ['']);
      return {
        handle,
        size: size + 1,
        notes: [`${file}: the last record had lost its newline; it was kept and the newline restored.`],
      };
    }
    const side = `${file}.torn-${Date.now()}`;
    await replaceFile(side, torn);
    await handle.truncate(completeEnd);
    await handle.sync();
    return {
      handle,
      size: completeEnd,
      notes: [
        `${file}: its last line (${size - completeEnd} bytes) was not a whole record, left by an interrupted write; it was moved to ${side}.`,
      ],
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** What a reader of one append-only JSON-lines file holds: the open file, its one writer, and what opening repaired. */
export abstract class JsonlFile {
  protected readonly handle: FileHandle;
  protected readonly appender: LineAppender;
  /** What opening repaired (a record's lost newline, a torn line moved aside). */
  readonly notes: readonly string[];

  protected constructor({ handle, size, notes }: OpenedJsonl) {
    this.handle = handle;
    this.appender = new LineAppender(handle, size);
    this.notes = notes;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * Opens a JSON-lines file (as `openJsonl`), makes its reader with `make` and feeds it every line in order;
 * the file is closed again if any of that throws (a damaged line), so a refused open leaks no handle.
 */
export async function loadJsonl<T>(
  file: string,
  isRecord: (text: string) => boolean,
  make: (opened: OpenedJsonl) => T,
  load: (reader: T, line: JsonlLine) => void,
): Promise<T> {
  const opened = await openJsonl(file, isRecord);
  try {
    const reader = make(opened);
    for await (const line of readJsonlLines(file, opened.size)) load(reader, line);
    return reader;
  } catch (error) {
    await opened.handle.close();
    throw error;
  }
}

/** Every complete line up to `end`, with its byte offset. */
export async function* readJsonlLines(file: string, end: number): AsyncGenerator<JsonlLine> {
  if (end === 0) return;
  const lines = createInterface({ input: createReadStream(file, { start: 0, end: end - 1 }), crlfDelay: Infinity });
  let offset = 0;
  let line = 0;
  for await (const text of lines) {
    line += 1;
    const length = Buffer.byteLength(text);
    yield { line, offset, length, text };
    offset += length + 1;
  }
}

/** Appends whole lines and makes them durable before returning. */
async function appendLines(handle: FileHandle, lines: readonly string[]): Promise<number> {
  const data = Buffer.from(lines.map((l) => `${l}\n`).join(''));
  await handle.appendFile(data);
  await handle.sync();
  return data.length;
}

/**
 * The one writer of an append-only file, which knows where its last acknowledged line ends. An append
 * cut short (a full disk writes what fits, then fails) leaves a fragment; it is cut back off at once, or
 * before the next append if that fails too, so no later line ever lands behind a fragment — and the
 * writer goes on once space is back, with no restart.
 */
export class LineAppender {
  #size: number;
  #cutShort = false;

  constructor(
    private readonly handle: FileHandle,
    size: number,
  ) {
    this.#size = size;
  }

  /** Where the next line starts. */
  get size(): number {
    return this.#size;
  }

  /** Appends `lines`, durably; returns the offset of the first. */
  async append(lines: readonly string[]): Promise<number> {
    if (this.#cutShort) await this.#cutBack();
    const offset = this.#size;
    try {
      this.#size += await appendLines(this.handle, lines);
    } catch (error) {
      this.#cutShort = true;
      await this.#cutBack().catch(() => undefined);
      throw error;
    }
    return offset;
  }

  async #cutBack(): Promise<void> {
    await this.handle.truncate(this.#size);
    await this.handle.sync();
    this.#cutShort = false;
  }
}

export async function readAt(handle: FileHandle, offset: number, length: number): Promise<string> {
  const buffer = Buffer.alloc(length);
  await handle.read(buffer, 0, length, offset);
  return buffer.toString('utf8');
}
