/**
 * Closed requests, append-only. They never change again, so keeping them out of the live document keeps
 * the cost of every write independent of history. An in-memory index (id, number, requester, state)
 * serves look-ups; the record itself is read from disk on demand.
 */
import type { Request, State } from '../domain/request.ts';
import { JsonlFile, loadJsonl, readAt } from '../files/jsonl-file.ts';
import { StoreOpenError } from '../shared/store-open-error.ts';

export interface ArchiveEntry {
  id: string;
  number: number;
  version: number;
  requester: string;
  state: State;
  offset: number;
  length: number;
}

export class Archive extends JsonlFile {
  readonly #byId = new Map<string, ArchiveEntry>();
  readonly #byNumber = new Map<number, ArchiveEntry>();
  /** `requester submissionKey` → entry: a form submitted again long after its request closed is still known. */
  readonly #bySubmission = new Map<string, ArchiveEntry>();

  static open(file: string): Promise<Archive> {
    return loadJsonl(
      file,
      (text) => asRecord(text) !== undefined,
      (opened) => new Archive(opened),
      (archive, line) => archive.#index(parseRecord(file, line.line, line.text), line.offset, line.length),
    );
  }

  entry(id: string): ArchiveEntry | undefined {
    return this.#byId.get(id);
  }

  entryByNumber(number: number): ArchiveEntry | undefined {
    return this.#byNumber.get(number);
  }

  entryBySubmission(requester: string, submissionKey: string): ArchiveEntry | undefined {
    return this.#bySubmission.get(submissionIndexKey(requester, submissionKey));
  }

  entries(): IterableIterator<ArchiveEntry> {
    return this.#byId.values();
  }

  get maxNumber(): number {
    let max = 0;
    for (const n of this.#byNumber.keys()) max = Math.max(max, n);
    return max;
  }

  async append(request: Request): Promise<void> {
    const text = JSON.stringify(request);
    const offset = await this.appender.append([text]);
    this.#index(request, offset, Buffer.byteLength(text));
  }

  async read(entry: ArchiveEntry): Promise<Request> {
    return JSON.parse(await readAt(this.handle, entry.offset, entry.length)) as Request;
  }

  #index(request: Request, offset: number, length: number): void {
    const entry: ArchiveEntry = {
      id: request.id,
      number: request.number,
      version: request.version,
      requester: request.requester,
      state: request.status.state,
      offset,
      length,
    };
    this.#byId.set(entry.id, entry);
    this.#byNumber.set(entry.number, entry);
    if (request.submissionKey)
      this.#bySubmission.set(submissionIndexKey(request.requester, request.submissionKey), entry);
  }
}

function submissionIndexKey(requester: string, submissionKey: string): string {
  return `${requester} ${submissionKey}`;
}

/** The request a line holds, or undefined when it is not one. */
export function asRecord(text: string): Request | undefined {
  try {
    const value = JSON.parse(text) as Partial<Request> | null;
    if (
      typeof value?.id === 'string' &&
      typeof value.number === 'number' &&
      typeof value.version === 'number' &&
      value.status
    ) {
      return value as Request;
    }
  } catch {
    // not JSON
  }
  return undefined;
}

function parseRecord(file: string, line: number, text: string): Request {
  const record = asRecord(text);
  if (record) return record;
  throw new StoreOpenError(
    `${file}:${line}: not a request record. The archive is damaged; iam-bot will not change it: restore it from a backup.`,
  );
}
