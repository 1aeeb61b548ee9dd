/**
 * The access reviews of a data directory, read without its lock (like snapshot.ts, safe while the bot
 * runs): the open ones from the live document, replaced atomically, and the closed ones from
 * `reviews.jsonl`, which only grows — a last line being appended right now is not read.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Review } from '../domain/review.ts';
import { hasCode } from '../shared/errors.ts';
import { StoreOpenError } from '../shared/store-open-error.ts';
import { asReview, byCreation, REVIEW_ARCHIVE } from './review-archive.ts';
import { emptyDocument, parseStateDocument, type StateDocument } from './state-document.ts';

export async function readReviews(dataDir: string): Promise<Review[]> {
  const byId = new Map<string, Review>();
  const archive = join(dataDir, REVIEW_ARCHIVE);
  const text = await readOrEmpty(archive);
  const lines = text.split('\n');
  // A torn last line (no newline yet) is an append in progress.
  if (!text.endsWith('\n')) lines.pop();
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const review = asReview(line);
    if (!review) throw new StoreOpenError(`${archive}:${index + 1}: not a review record.`);
    byId.set(review.id, review);
  });
  for (const review of (await readState(join(dataDir, 'state.json'))).reviews) {
    const archived = byId.get(review.id);
    if (!archived || archived.version < review.version) byId.set(review.id, review);
  }
  return [...byId.values()].sort(byCreation);
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return '';
    throw error;
  }
}

async function readState(file: string): Promise<StateDocument> {
  const text = await readOrEmpty(file);
  if (text === '') return emptyDocument();
  try {
    return parseStateDocument(file)(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) throw new StoreOpenError(`${file} is not valid JSON (${error.message}).`);
    throw error;
  }
}
