/**
 * Replaces a file's content all or nothing, durably: the new content goes to `<file>.<uint32>`, is written
 * to its last byte and fsynced, then renamed over `<file>`, and the directory is fsynced so the rename
 * survives a power loss. A reader sees the previous or the next content, never a part.
 *
 * Why not write-file-atomic: its 7.0.1 issues a single write(2) and ignores a short count, so on a nearly
 * full disk it renamed a truncated state.json over the good one (found by the crash test's disk-full run;
 * the same defect in another library: https://github.com/fabiospampinato/atomically/pull/18).
 * `FileHandle.writeFile` writes until every byte is written or an error (ENOSPC) is thrown.
 */
import { randomInt } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The temporary files of replacements a crash interrupted are named `<file>.<digits>`. */
export function isInterruptedReplacement(name: string, of: string): boolean {
  return name.startsWith(`${of}.`) && /^\d+$/.test(name.slice(of.length + 1));
}

export async function replaceFile(file: string, content: string | Uint8Array, mode = 0o600): Promise<void> {
  const temp = `${file}.${randomInt(2 ** 32)}`;
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(file));
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
