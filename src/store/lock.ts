/**
 * One process per data directory: two writers would each keep their own view of the open requests and
 * overwrite each other. The lock is a kernel lock on `iam-bot.pid` (an open-file-description lock on
 * Linux, flock elsewhere, through fs-native-extensions), held for the life of the open file: the kernel
 * drops it when the process dies, however it dies. A pid file alone cannot tell a stale lock from a live
 * one — a container's bot is PID 1 again after every restart, and a pid from another pid namespace or
 * reused since means nothing — so the pid written in the file only names the holder in messages.
 */
import { open, readFile, stat, unlink, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { StoreOpenError } from '../shared/store-open-error.ts';

/** The part of fs-native-extensions used here (it ships no types). `tryLock` is false while another open file holds it. */
interface NativeLocks {
  tryLock(fd: number): boolean;
}
const native = createRequire(import.meta.url)('fs-native-extensions') as NativeLocks;

export interface DirectoryLock {
  release(): Promise<void>;
}

export async function lockDirectory(dir: string): Promise<DirectoryLock> {
  const file = join(dir, 'iam-bot.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    // 'a+' creates the file without truncating it: what a holder wrote stays readable for the message.
    const handle = await open(file, 'a+', 0o600);
    try {
      if (!native.tryLock(handle.fd)) {
        const holder = await readHolder(file);
        throw new StoreOpenError(
          `The data directory ${dir} is in use by ${holder === undefined ? 'another process' : `process ${holder}`} (lock file ${file}). Stop that process, or give this one another data directory.`,
          'in_use',
        );
      }
      // The previous holder unlinks the file as it releases: if that happened between our open and our
      // lock, we hold a file nobody else will open. Lock again through the path.
      if (!(await stillNamedBy(handle, file))) {
        await handle.close();
        continue;
      }
      await handle.truncate(0);
      await handle.write(`${process.pid}\n`);
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
    return {
      async release() {
        // Unlinked while still locked, then closed: the close drops the lock.
        await unlink(file).catch(() => undefined);
        await handle.close();
      },
    };
  }
  throw new StoreOpenError(`Could not lock the data directory ${dir}: another process keeps taking ${file}.`, 'in_use');
}

async function stillNamedBy(handle: FileHandle, file: string): Promise<boolean> {
  const [held, named] = await Promise.all([handle.stat(), stat(file).catch(() => undefined)]);
  return named !== undefined && named.ino === held.ino && named.dev === held.dev;
}

async function readHolder(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
