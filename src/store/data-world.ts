/**
 * Which world wrote a data directory: the bot for real (`iam-bot start`, the CLI) or the sandbox (simulated
 * Slack and providers). They never share one: a sandbox run on production data once recorded revokes that
 * never happened and delivered real notices to a fake Slack. The first open records the world in
 * `data-dir.json`; every later open by the other world is refused.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile } from '../files/replace-file.ts';
import { z } from 'zod';
import { hasCode } from '../shared/errors.ts';
import { StoreOpenError } from '../shared/store-open-error.ts';

export type DataWorld = 'production' | 'sandbox';

const WORLD_FILE = 'data-dir.json';

const markerShape = z.object({ world: z.enum(['production', 'sandbox']) });

/** Files that hold data: a directory with any of them non-empty and no marker was written by an earlier release. */
const DATA_FILES = ['state.json', 'archive.jsonl', 'audit.jsonl'];

/** Records `world` in a new data directory, or checks an existing one was written by it. Call with the lock held. */
export async function claimWorld(dir: string, world: DataWorld): Promise<void> {
  const file = join(dir, WORLD_FILE);
  const recorded = await readMarker(file);
  if (recorded === world) return;
  if (recorded !== undefined) throw new StoreOpenError(refusal(dir, recorded), 'wrong_world');
  // Releases before this one wrote no marker and ran only for real on a directory they kept (the sandbox's
  // own directories were temporary): such data is production's. The sandbox only ever starts empty.
  if (world === 'sandbox' && (await holdsData(dir)))
    throw new StoreOpenError(refusal(dir, 'production'), 'wrong_world');
  await replaceFile(file, `${JSON.stringify({ world })}\n`);
}

function refusal(dir: string, recorded: DataWorld): string {
  return recorded === 'sandbox'
    ? `The data directory ${dir} was written by the sandbox (simulated Slack and providers); iam-bot start never runs on it. Give the bot its own data directory (--data DIR or IAM_BOT_DATA_DIR).`
    : `The data directory ${dir} holds production data; the sandbox never runs on it. Run \`iam-bot sandbox\`: it always starts on a fresh temporary directory.`;
}

async function readMarker(file: string): Promise<DataWorld | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = markerShape.safeParse(value);
  if (!parsed.success) {
    throw new StoreOpenError(
      `${file} does not say which world wrote this data directory (expected {"world":"production"} or {"world":"sandbox"}); iam-bot will not guess: restore it or move the directory aside.`,
      'damaged',
    );
  }
  return parsed.data.world;
}

async function holdsData(dir: string): Promise<boolean> {
  for (const name of DATA_FILES) {
    const size = await stat(join(dir, name)).then(
      (s) => s.size,
      () => 0,
    );
    if (size > 0) return true;
  }
  return false;
}
