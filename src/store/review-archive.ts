/**
 * Closed access reviews, append-only (`reviews.jsonl`), so the live document holds only the open ones
 * and a write's cost does not grow with the reviews of past years. A review closes once and never
 * changes again. They are read whole at open: a review is small (a line per member), and closed ones are
 * read only for reports.
 */
import type { Review } from '../domain/review.ts';
import { JsonlFile, loadJsonl } from '../files/jsonl-file.ts';
import { StoreOpenError } from '../shared/store-open-error.ts';

export const REVIEW_ARCHIVE = 'reviews.jsonl';

export class ReviewArchive extends JsonlFile {
  readonly #byId = new Map<string, Review>();

  static open(file: string): Promise<ReviewArchive> {
    return loadJsonl(
      file,
      (text) => asReview(text) !== undefined,
      (opened) => new ReviewArchive(opened),
      (archive, line) => {
        const review = asReview(line.text);
        if (!review)
          throw new StoreOpenError(
            `${file}:${line.line}: not a review record. The file is damaged; iam-bot will not change it: restore it from a backup.`,
          );
        archive.#byId.set(review.id, review);
      },
    );
  }

  get(id: string): Review | undefined {
    return this.#byId.get(id);
  }

  all(): Review[] {
    return [...this.#byId.values()];
  }

  async append(review: Review): Promise<void> {
    await this.appender.append([JSON.stringify(review)]);
    this.#byId.set(review.id, review);
  }
}

/** The review a line holds, or undefined when it is not one. */
export function asReview(text: string): Review | undefined {
  try {
    const value = JSON.parse(text) as Partial<Review> | null;
    if (typeof value?.id === 'string' && typeof value.version === 'number' && Array.isArray(value.members))
      return value as Review;
  } catch {
    // not JSON
  }
  return undefined;
}

export function byCreation(a: Review, b: Review): number {
  return a.createdAt - b.createdAt || a.id.localeCompare(b.id);
}
