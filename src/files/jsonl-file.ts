/**
 * Append-only JSON-lines files. A crash mid-append can leave a torn last line (no trailing newline); it
 * was never acknowledged, so it is cut off when the file is opened. Anything else that does not parse is
 * damage, reported with file:line and never repaired.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { readTail } from './tail.ts';

export interface JsonlLine {
  /** 1-based line number. */
  line: number;
  offset: number;
  length: number;
  text: string;
}

/** Opens (creating) a JSON-lines file for appending, first cutting off a torn last line. */
export async function openJsonl(file: string): Promise<{ handle: FileHandle; size: number }> {
  const handle = await open(file, 'a+', 0o600);
  const { size } = await handle.stat();
  const { completeEnd } = await readTail(handle, size);
  if (completeEnd < size) {
    await handle.truncate(completeEnd);
    await handle.sync();
  }
  return { handle, size: completeEnd };
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
export async function appendLines(handle: FileHandle, lines: readonly string[]): Promise<number> {
  const data = Buffer.from(lines.map((l) => `${l}\n`).join(''));
  await handle.appendFile(data);
  await handle.sync();
  return data.length;
}

export async function readAt(handle: FileHandle, offset: number, length: number): Promise<string> {
  const buffer = Buffer.alloc(length);
  await handle.read(buffer, 0, length, offset);
  return buffer.toString('utf8');
}
