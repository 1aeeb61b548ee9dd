/**
 * Access reviews asked for from the command line while the bot holds the embedded store (its directory
 * lock keeps every other process out): one small file per ask in `<data>/review-requests/`, written
 * whole (replace-file.ts) so the bot never reads a part. The leader's tick takes each (the review gets the
 * ask's id, so an ask read twice makes one review) and deletes it. Files that are not asks are left alone.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { hasCode } from '../shared/errors.ts';
import type { ReviewAsk, ReviewRequests } from '../workflow/review-service.ts';
import { replaceFile } from '../files/replace-file.ts';

export const REVIEW_REQUESTS_DIR = 'review-requests';

const askShape = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  itemId: z.string().min(1).max(200),
  requestedBy: z.string().min(1).max(200),
  at: z.number().int().nonnegative(),
});

export class ReviewRequestFolder implements ReviewRequests {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, REVIEW_REQUESTS_DIR);
  }

  /** Leaves an ask for the bot. */
  async ask(ask: ReviewAsk): Promise<void> {
    const parsed = askShape.parse(ask);
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    await replaceFile(join(this.#dir, `${parsed.id}.json`), `${JSON.stringify(parsed)}\n`);
  }

  async pending(): Promise<ReviewAsk[]> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch (error) {
      if (hasCode(error, 'ENOENT')) return [];
      throw error;
    }
    const asks: ReviewAsk[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      try {
        const parsed = askShape.safeParse(JSON.parse(await readFile(join(this.#dir, name), 'utf8')));
        if (parsed.success && `${parsed.data.id}.json` === name) asks.push(parsed.data);
      } catch {
        // Not an ask (or gone meanwhile): not ours to read.
      }
    }
    return asks.sort((a, b) => a.at - b.at);
  }

  async done(id: string): Promise<void> {
    await rm(join(this.#dir, `${id}.json`), { force: true });
  }
}
