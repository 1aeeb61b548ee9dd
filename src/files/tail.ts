/**
 * Finds the end of a JSON-lines file by reading backwards in chunks, so opening a log with millions of
 * entries costs a few reads, not a scan.
 */
import type { FileHandle } from 'node:fs/promises';
import { IamBotError } from '../shared/errors.ts';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

export interface Tail {
  /** Bytes up to and including the last newline: the complete lines. */
  completeEnd: number;
  /** The last complete line (without its newline), or undefined when there is none. */
  lastLine: string | undefined;
  /** First byte after the last newline, when the file ends in a partial line; undefined otherwise. */
  tornByte: number | undefined;
}

export async function readTail(fh: FileHandle, size: number): Promise<Tail> {
  const lastNewline = await lastNewlineBefore(fh, size);
  const completeEnd = lastNewline + 1;
  const tornByte = completeEnd < size ? (await readRange(fh, completeEnd, completeEnd + 1))[0] : undefined;
  if (completeEnd === 0) return { completeEnd, lastLine: undefined, tornByte };
  const lineStart = (await lastNewlineBefore(fh, lastNewline)) + 1;
  const lastLine = (await readRange(fh, lineStart, lastNewline)).toString('utf8');
  return { completeEnd, lastLine, tornByte };
}

/** Offset of the last newline in bytes [0, end), or -1. */
async function lastNewlineBefore(fh: FileHandle, end: number): Promise<number> {
  for (let stop = end; stop > 0; stop -= CHUNK) {
    const start = Math.max(0, stop - CHUNK);
    const i = (await readRange(fh, start, stop)).lastIndexOf(NEWLINE);
    if (i !== -1) return start + i;
  }
  return -1;
}

async function readRange(fh: FileHandle, start: number, end: number): Promise<Buffer> {
  const buf = Buffer.alloc(end - start);
  const { bytesRead } = await fh.read(buf, 0, buf.length, start);
  if (bytesRead !== buf.length)
    throw new IamBotError('file_changed', `short read at byte ${start}: the file changed while being opened`);
  return buf;
}
