/**
 * The embedded Store: lowdb holds the live document (open requests, audit outbox, counters) in
 * `state.json`, written atomically; closed requests move to the append-only `archive.jsonl`. A write
 * therefore costs O(open requests), whatever the history.
 */
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { AuditHead, AuditRecord } from '../domain/audit-event.ts';
import type { Notice } from '../domain/notice.ts';
import { isClosed, type Request } from '../domain/request.ts';
import { scrubDeep } from '../domain/scrub.ts';
import { Archive } from './archive.ts';
import { DurableJsonFile } from '../files/durable-json-file.ts';
import { storageError } from '../files/storage-error.ts';
import { prepareDataDir } from './data-dir.ts';
import { claimWorld, type DataWorld } from './data-world.ts';
import { lockDirectory, type DirectoryLock } from './lock.ts';
import { StoreConflictError, type Commit, type ListFilter, type Store } from './port.ts';
import { Serial } from '../shared/serial.ts';
import { emptyDocument, parseStateDocument, type StateDocument } from './state-document.ts';

export interface LowdbStoreOptions {
  dataDir: string;
  /** Who opens it: a directory written by one world is refused to the other (default production). */
  world?: DataWorld;
}

export class LowdbStore implements Store {
  readonly #open = new Map<string, Request>();
  readonly #serial = new Serial();
  #nextNumber: number;
  #outbox: AuditRecord[];
  #notices: Notice[];
  #auditHead: AuditHead | undefined;

  /** What opening repaired, for the operator (logged at start). */
  readonly notes: readonly string[];

  private constructor(
    private readonly db: Low<StateDocument>,
    private readonly archive: Archive,
    private readonly lock: DirectoryLock,
    doc: StateDocument,
    notes: readonly string[],
  ) {
    this.#nextNumber = Math.max(doc.nextNumber, archive.maxNumber + 1);
    this.#outbox = doc.outbox;
    this.#notices = doc.notices;
    this.#auditHead = doc.auditHead;
    this.notes = notes;
    for (const request of doc.open) {
      // A closed request still here was committed, then the process stopped before (or after) archiving it.
      const archived = archive.entry(request.id);
      if (!archived || archived.version < request.version) this.#open.set(request.id, request);
    }
  }

  /** Moves the closed requests a crash left in the live document to the archive. */
  async #archiveLeftovers(): Promise<void> {
    for (const request of [...this.#open.values()]) {
      if (!isClosed(request)) continue;
      await this.archive.append(request);
      this.#open.delete(request.id);
    }
  }

  /** Opens the data directory, or says what is wrong with it (a StoreOpenError, file-system refusals included). */
  static async open(options: LowdbStoreOptions): Promise<LowdbStore> {
    try {
      return await LowdbStore.#openDirectory(options);
    } catch (error) {
      throw storageError(error, options.dataDir) ?? error;
    }
  }

  static async #openDirectory(options: LowdbStoreOptions): Promise<LowdbStore> {
    const notes = await prepareDataDir(options.dataDir);
    const lock = await lockDirectory(options.dataDir);
    try {
      await claimWorld(options.dataDir, options.world ?? 'production');
      const file = join(options.dataDir, 'state.json');
      const db = new Low(new DurableJsonFile(file, parseStateDocument(file)), emptyDocument());
      await db.read();
      const archive = await Archive.open(join(options.dataDir, 'archive.jsonl'));
      const store = new LowdbStore(db, archive, lock, db.data, [...notes, ...archive.notes]);
      await store.#archiveLeftovers();
      return store;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  reserveNumber(): number {
    return this.#nextNumber++;
  }

  commit(commit: Commit): Promise<void> {
    // Last line of defence: no known secret's value reaches the disk, whatever text carried it here.
    const change = scrubDeep(commit);
    return this.#serial.run(async () => {
      const { request } = change;
      const actual = this.#open.get(request.id)?.version ?? this.archive.entry(request.id)?.version ?? null;
      if (actual !== change.expectedVersion) {
        throw new StoreConflictError(request.id, change.expectedVersion, actual);
      }
      // The change and its audit events and notices become durable together, in the live document —
      // a closing request too. Only then does a closed request move to the archive; it leaves the live
      // document with the next write (or, after a crash, when the store is opened).
      const open = new Map(this.#open).set(request.id, request);
      const notices = change.notices ?? [];
      await this.#write(open, [...this.#outbox, ...change.audit], [...this.#notices, ...notices]);
      this.#open.set(request.id, request);
      // Read the outboxes again: entries may have been reported written or delivered during this write.
      this.#outbox = [...this.#outbox, ...change.audit];
      this.#notices = [...this.#notices, ...notices];
      if (isClosed(request)) {
        await this.archive.append(request);
        this.#open.delete(request.id);
      }
    });
  }

  record(recorded: { audit: readonly AuditRecord[]; notices: readonly Notice[] }): Promise<void> {
    const change = scrubDeep(recorded);
    return this.#serial.run(async () => {
      await this.#write(this.#open, [...this.#outbox, ...change.audit], [...this.#notices, ...change.notices]);
      this.#outbox = [...this.#outbox, ...change.audit];
      this.#notices = [...this.#notices, ...change.notices];
    });
  }

  async get(id: string): Promise<Request | undefined> {
    const open = this.#open.get(id);
    if (open) return open;
    const entry = this.archive.entry(id);
    return entry ? this.archive.read(entry) : undefined;
  }

  async getByNumber(number: number): Promise<Request | undefined> {
    for (const request of this.#open.values()) if (request.number === number) return request;
    const entry = this.archive.entryByNumber(number);
    return entry ? this.archive.read(entry) : undefined;
  }

  async findSubmission(requester: string, submissionKey: string): Promise<Request | undefined> {
    for (const request of this.#open.values()) if (request.requester === requester && request.submissionKey === submissionKey) return request;
    const entry = this.archive.entryBySubmission(requester, submissionKey);
    return entry ? this.archive.read(entry) : undefined;
  }

  openRequests(): readonly Request[] {
    return [...this.#open.values()].sort((a, b) => a.number - b.number);
  }

  async list(filter: ListFilter = {}): Promise<Request[]> {
    const matches = (r: { requester: string; state: Request['status']['state'] }) =>
      (!filter.requester || r.requester === filter.requester) && (!filter.states || filter.states.includes(r.state));
    const closed: Request[] = [];
    for (const entry of this.archive.entries()) {
      if (!this.#open.has(entry.id) && matches(entry)) closed.push(await this.archive.read(entry));
    }
    const open = this.openRequests().filter((r) => matches({ requester: r.requester, state: r.status.state }));
    return [...closed, ...open].sort((a, b) => a.number - b.number);
  }

  pendingAudit(): readonly AuditRecord[] {
    return this.#outbox;
  }

  auditWritten(head: AuditHead): void {
    const at = this.#outbox.findIndex((e) => e.eventId === head.eventId);
    // The outbox is in commit order and the log is appended in that order: all up to `head` are written.
    if (at >= 0) this.#outbox = this.#outbox.slice(at + 1);
    this.#auditHead = head;
  }

  auditHead(): AuditHead | undefined {
    return this.#auditHead;
  }

  pendingNotices(): readonly Notice[] {
    return this.#notices;
  }

  noticeDone(id: string, followUp: { audit: readonly AuditRecord[]; notices: readonly Notice[] } = { audit: [], notices: [] }): Promise<void> {
    return this.#serial.run(async () => {
      if (!this.#notices.some((n) => n.id === id)) return;
      const notices = [...this.#notices.filter((n) => n.id !== id), ...followUp.notices];
      const outbox = [...this.#outbox, ...followUp.audit];
      await this.#write(this.#open, outbox, notices);
      // Read the outbox again: events may have been reported written during this write.
      this.#notices = notices;
      this.#outbox = [...this.#outbox, ...followUp.audit];
    });
  }

  async close(): Promise<void> {
    await this.#serial.run(async () => {
      await this.#write(this.#open, this.#outbox, this.#notices);
      await this.archive.close();
      await this.lock.release();
    });
  }

  async #write(open: ReadonlyMap<string, Request>, outbox: AuditRecord[], notices: Notice[]): Promise<void> {
    const doc: StateDocument = { ...emptyDocument(), nextNumber: this.#nextNumber, open: [...open.values()], outbox, notices };
    if (this.#auditHead) doc.auditHead = this.#auditHead;
    this.db.data = doc;
    await this.db.write();
  }
}
