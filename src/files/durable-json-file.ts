/**
 * A lowdb adapter that survives crashes and power loss: each write goes to a temporary file, is fsynced
 * and renamed over the old one (write-file-atomic), so a reader sees the previous or the next document,
 * never a torn one. Reading never repairs: a file that does not parse stops start-up untouched.
 */
import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import writeFileAtomic from 'write-file-atomic';
import { isCode } from '../store/lock.ts';
import { StoreOpenError } from '../store/port.ts';

export class DurableJsonFile<T> implements Adapter<T> {
  constructor(
    private readonly file: string,
    private readonly parse: (value: unknown) => T,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if (isCode(error, 'ENOENT')) return null;
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new StoreOpenError(
        `${this.file} is not valid JSON (${(error as Error).message}). iam-bot will not overwrite it: restore it from a backup or move it aside.`,
      );
    }
    return this.parse(value);
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify(data), { mode: 0o600, fsync: true });
  }
}
