/**
 * The data directory holds the audit log and every request: only the bot's user may read it. A new one
 * is created 0700; an existing one open to others (0755, from a mkdir by hand or an image) is tightened.
 */
import { chmod, mkdir, stat } from 'node:fs/promises';

/** Creates or tightens `dir`; returns a note for the operator when it changed (or could not change) the mode. */
export async function prepareDataDir(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Windows has no such modes.
  if (process.platform === 'win32') return [];
  const mode = (await stat(dir)).mode & 0o777;
  if ((mode & 0o077) === 0) return [];
  const was = mode.toString(8).padStart(4, '0');
  try {
    await chmod(dir, 0o700);
  } catch (error) {
    return [
      `The data directory ${dir} is open to other users (mode ${was}) and could not be tightened (${(error as NodeJS.ErrnoException).code ?? String(error)}): run chmod 700 on it.`,
    ];
  }
  return [
    `The data directory ${dir} was open to other users (mode ${was}); it is now 0700, since it holds the audit log and every request.`,
  ];
}
