/**
 * A lowdb adapter that survives crashes, power loss and a full disk: each write goes to a temporary file, is
 * fsynced and renamed over the old one, so a reader sees the previous or the next document,
 * never a torn one (replaceFile). Reading never repairs: a file that does not parse stops start-up untouched.
 * It does remove the temporary files of writes a crash interrupted (`state.json.<n>`), which nothing else reads.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { isInterruptedReplacement, replaceFile } from './replace-file.ts';
import { hasCode } from '../shared/errors.ts';
import { StoreOpenError } from '../shared/store-open-error.ts';

export class DurableJsonFile<T> implements Adapter<T> {
  constructor(
    private readonly file: string,
    private readonly parse: (value: unknown) => T,
  ) {}

  /** Read once, at open, by the process that holds the data directory's lock. */
  async read(): Promise<T | null> {
    await this.#removeInterruptedWrites();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return null;
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

  /** A kill between writing `<file>.<uint32>` and renaming it over `<file>` leaves it. */
  async #removeInterruptedWrites(): Promise<void> {
    const name = basename(this.file);
    let entries: string[];
    try {
      entries = await readdir(dirname(this.file));
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return;
      throw error;
    }
    for (const entry of entries) {
      if (isInterruptedReplacement(entry, name)) await rm(join(dirname(this.file), entry), { force: true });
    }
  }

  async write(data: T): Promise<void> {
    await replaceFile(this.file, JSON.stringify(data));
  }
}
