/**
 * One process per data directory: two writers would each keep their own view of the open requests and
 * overwrite each other. The lock is a pid file created exclusively; a file left by a dead process is
 * taken over.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreOpenError } from './port.ts';

export interface DirectoryLock {
  release(): Promise<void>;
}

export async function lockDirectory(dir: string): Promise<DirectoryLock> {
  const file = join(dir, 'iam-bot.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { release: () => releaseIfOurs(file) };
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
      const holder = await readHolder(file);
      if (holder !== undefined && isAlive(holder)) {
        throw new StoreOpenError(
          `The data directory ${dir} is in use by process ${holder} (lock file ${file}). Stop that process, or give this one another data directory.`,
        );
      }
      await unlink(file).catch((e: unknown) => {
        if (!isCode(e, 'ENOENT')) throw e;
      });
    }
  }
  throw new StoreOpenError(`Could not lock the data directory ${dir}: another process keeps taking ${file}.`);
}

async function readHolder(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return isCode(error, 'EPERM');
  }
}

async function releaseIfOurs(file: string): Promise<void> {
  if ((await readHolder(file)) === process.pid) await unlink(file).catch(() => undefined);
}

export function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
