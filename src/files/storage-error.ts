/**
 * A file-system refusal at start-up (read-only mount, permissions, full disk), said as what failed, where,
 * and what to do — instead of a bare "EROFS".
 */
import { StoreOpenError } from '../shared/store-open-error.ts';

const MEANING: Record<string, { what: string; todo: string }> = {
  EROFS: {
    what: 'the file system is read-only',
    todo: 'mount it read-write, or give the bot a writable data directory (--data DIR or IAM_BOT_DATA_DIR)',
  },
  EACCES: {
    what: 'permission denied',
    todo: 'make the data directory owned by the user the bot runs as, or give it another data directory (--data DIR or IAM_BOT_DATA_DIR)',
  },
  EPERM: {
    what: 'the operation is not permitted',
    todo: 'make the data directory owned by the user the bot runs as, or give it another data directory (--data DIR or IAM_BOT_DATA_DIR)',
  },
  ENOSPC: { what: 'the disk is full', todo: 'free space on that file system; nothing was changed' },
  EDQUOT: { what: 'the disk quota is exhausted', todo: 'raise the quota or free space; nothing was changed' },
  ENOTDIR: {
    what: 'a part of the path is a file, not a directory',
    todo: 'point --data or IAM_BOT_DATA_DIR at a directory',
  },
  EISDIR: { what: 'a directory is where a file should be', todo: 'move that directory out of the data directory' },
  EMFILE: { what: 'the process has too many open files', todo: 'raise the open-file limit (ulimit -n)' },
  ENFILE: { what: 'the system has too many open files', todo: 'raise the system open-file limit' },
  ELOOP: { what: 'the path has a symbolic link loop', todo: 'fix the link' },
};

/** "open /data/state.json failed: the file system is read-only (EROFS). Mount it read-write, or …" for a file-system error; else undefined. */
export function describeStorageError(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall, path } = error as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof syscall !== 'string') return undefined;
  const meaning = MEANING[code];
  const failed = `${syscall}${path ? ` ${path}` : ''} failed`;
  if (!meaning) return `${failed}: ${error.message}`;
  return `${failed}: ${meaning.what} (${code}). ${meaning.todo.charAt(0).toUpperCase()}${meaning.todo.slice(1)}.`;
}

/** A StoreOpenError naming the data directory, for an error that came from the file system; else undefined. */
export function storageError(error: unknown, dataDir: string): StoreOpenError | undefined {
  const described = describeStorageError(error);
  return described === undefined
    ? undefined
    : new StoreOpenError(`Cannot use the data directory ${dataDir}: ${described}`, 'storage', { cause: error });
}
