/**
 * The embedded Store: lowdb holds the live document (open requests, audit and notice outboxes, counters,
 * sealed secrets) in `state.json`, written atomically; closed requests move to the append-only
 * `archive.jsonl`. A write therefore costs O(open requests), whatever the history. Beside them: the
 * audit log (`audit.jsonl`) and the Slack message index (`slack.json`). One process holds the directory
 * (its lock), so what this object has in memory is what is stored.
 */
import { join } from 'node:path';
import { Low } from 'lowdb';
import { AuditLog } from '../audit/audit-log.ts';
import { assertAuditContinuity } from '../audit/continuity.ts';
import type { AuditHead, AuditRecord } from '../domain/audit-event.ts';
import { noticeSubject, type Notice } from '../domain/notice.ts';
import { isClosed, type Request } from '../domain/request.ts';
import { isReviewOpen, type Review } from '../domain/review.ts';
import { scrubDeep } from '../domain/scrub.ts';
import { Archive } from './archive.ts';
import { byCreation, REVIEW_ARCHIVE, ReviewArchive } from './review-archive.ts';
import { DurableJsonFile } from '../files/durable-json-file.ts';
import { storageError } from '../files/storage-error.ts';
import { prepareDataDir } from './data-dir.ts';
import { claimWorld, type DataWorld } from './data-world.ts';
import { FileAuditLog } from './file-audit-log.ts';
import { lockDirectory, type DirectoryLock } from './lock.ts';
import { LowdbMessageRefs } from './lowdb-message-refs.ts';
import { MemoryLeases } from './memory-leases.ts';
import {
  StoreConflictError,
  type Commit,
  type LendResult,
  type ListFilter,
  type ReviewStore,
  type AuditAndNotices,
  type SealedSecret,
  type SecretStore,
  type Store,
  type SubmissionCounters,
  type UseCounters,
} from '../workflow/ports.ts';
import {
  inWindow,
  isShowing,
  lendSecret,
  restoreSecret,
  secretExpired,
  secretRecord,
  spendSecret,
  takeInWindow,
  withoutValue,
  type SecretRecord,
} from './section-rules.ts';
import { Serial } from '../shared/serial.ts';
import { emptyDocument, parseStateDocument, type StateDocument } from './state-document.ts';

export interface LowdbStoreOptions {
  dataDir: string;
  /** Who opens it: a directory written by one world is refused to the other (default production). */
  world?: DataWorld;
  /**
   * Whether the audit log must still reach the head the store recorded (default true). Only
   * `iam-bot audit accept-loss` opens without, to record the loss.
   */
  checkAuditContinuity?: boolean;
}

/** The parts of the live document a write may change; the rest is written as it is. */
type Changes = Partial<Pick<StateDocument, 'outbox' | 'notices' | 'submissions' | 'uses' | 'secrets' | 'reviews'>> & {
  open?: ReadonlyMap<string, Request>;
};

export class LowdbStore implements Store {
  readonly #open = new Map<string, Request>();
  readonly #serial = new Serial();
  #nextNumber: number;
  #outbox: AuditRecord[];
  #notices: Notice[];
  #auditHead: AuditHead | undefined;
  #submissions: Record<string, number[]>;
  #uses: StateDocument['uses'];
  #secrets: SecretRecord[];
  #reviews: Review[];

  readonly leases = new MemoryLeases();
  readonly reviews: ReviewStore;
  readonly submissions: SubmissionCounters;
  readonly uses: UseCounters;
  readonly secrets: SecretStore;

  /** What opening repaired, for the operator (logged at start). */
  readonly notes: readonly string[];

  private constructor(
    private readonly db: Low<StateDocument>,
    private readonly archive: Archive,
    private readonly reviewArchive: ReviewArchive,
    private readonly lock: DirectoryLock,
    readonly auditLog: FileAuditLog,
    readonly messages: LowdbMessageRefs,
    doc: StateDocument,
    notes: readonly string[],
  ) {
    this.#nextNumber = Math.max(doc.nextNumber, archive.maxNumber + 1);
    this.#outbox = doc.outbox;
    this.#notices = doc.notices;
    this.#auditHead = doc.auditHead;
    this.#submissions = doc.submissions;
    this.#uses = doc.uses;
    this.#secrets = doc.secrets;
    this.#reviews = doc.reviews.filter((r) => (reviewArchive.get(r.id)?.version ?? 0) < r.version);
    this.notes = notes;
    for (const request of doc.open) {
      // A closed request still here was committed, then the process stopped before (or after) archiving it.
      const archived = archive.entry(request.id);
      if (!archived || archived.version < request.version) this.#open.set(request.id, request);
    }
    this.submissions = {
      count: async (person, now, windowMs) => inWindow(this.#submissions[person] ?? [], now, windowMs).length,
      take: (person, now, limit) =>
        this.#serial.run(async () => {
          const taken = takeInWindow(this.#submissions[person] ?? [], now, limit);
          if (!taken) return false;
          const submissions: Record<string, number[]> = {};
          // Everyone's old entries go at each write: the window is the policy's, the same for all.
          for (const [who, times] of Object.entries(this.#submissions)) {
            const kept = inWindow(times, now, limit.windowMs);
            if (kept.length > 0) submissions[who] = kept;
          }
          submissions[person] = taken;
          await this.#write({ submissions });
          this.#submissions = submissions;
          return true;
        }),
    };
    this.uses = {
      count: async (key, now, windowMs) => inWindow(this.#uses[key]?.times ?? [], now, windowMs).length,
      take: (key, now, limit) =>
        this.#serial.run(async () => {
          const taken = takeInWindow(this.#uses[key]?.times ?? [], now, limit);
          if (!taken) return false;
          // Each key keeps its own window, so every key's old uses can go at each write.
          const uses: StateDocument['uses'] = {};
          for (const [other, entry] of Object.entries(this.#uses)) {
            const kept = inWindow(entry.times, now, entry.windowMs);
            if (kept.length > 0) uses[other] = { windowMs: entry.windowMs, times: kept };
          }
          uses[key] = { windowMs: limit.windowMs, times: taken };
          await this.#write({ uses });
          this.#uses = uses;
          return true;
        }),
    };
    this.secrets = this.#secretStore();
    this.reviews = this.#reviewStore();
  }

  /** Moves the closed requests a crash left in the live document to the archive. */
  async #archiveLeftovers(): Promise<void> {
    for (const request of [...this.#open.values()]) {
      if (!isClosed(request)) continue;
      await this.archive.append(request);
      this.#open.delete(request.id);
    }
    for (const review of this.#reviews.filter((r) => !isReviewOpen(r))) {
      await this.reviewArchive.append(review);
      this.#reviews = this.#reviews.filter((r) => r.id !== review.id);
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
    const opened: { close(): Promise<void> }[] = [];
    try {
      await claimWorld(options.dataDir, options.world ?? 'production');
      const file = join(options.dataDir, 'state.json');
      const db = new Low(new DurableJsonFile(file, parseStateDocument(file)), emptyDocument());
      await db.read();
      const archive = await Archive.open(join(options.dataDir, 'archive.jsonl'));
      opened.push(archive);
      const reviewArchive = await ReviewArchive.open(join(options.dataDir, REVIEW_ARCHIVE));
      opened.push(reviewArchive);
      const messages = await LowdbMessageRefs.open(options.dataDir);
      // The audit log only once the lock is held; the store then learns which outbox events already reached it.
      const auditFile = join(options.dataDir, 'audit.jsonl');
      const log = await AuditLog.open(auditFile);
      opened.push(log);
      const auditNotes = log.tornSetAside
        ? [
            `${auditFile}: an interrupted append left ${log.droppedTornBytes} bytes after the last entry; they were moved to ${log.tornSetAside}.`,
          ]
        : [];
      if (options.checkAuditContinuity !== false) await assertAuditContinuity(auditFile, db.data.auditHead);
      const store = new LowdbStore(
        db,
        archive,
        reviewArchive,
        lock,
        new FileAuditLog(log, auditFile),
        messages,
        db.data,
        [...notes, ...archive.notes, ...reviewArchive.notes, ...auditNotes],
      );
      await store.#archiveLeftovers();
      const head = log.head();
      if (head && options.checkAuditContinuity !== false) await store.auditWritten(head);
      return store;
    } catch (error) {
      for (const part of opened.reverse()) await part.close().catch(() => undefined);
      await lock.release();
      throw error;
    }
  }

  async reserveNumber(): Promise<number> {
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
      const notices = change.notices ?? [];
      await this.#write({
        open: new Map(this.#open).set(request.id, request),
        outbox: [...this.#outbox, ...change.audit],
        notices: [...this.#notices, ...notices],
      });
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

  record(recorded: AuditAndNotices): Promise<void> {
    const change = scrubDeep(recorded);
    return this.#serial.run(async () => {
      await this.#write({ outbox: [...this.#outbox, ...change.audit], notices: [...this.#notices, ...change.notices] });
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
    for (const request of this.#open.values())
      if (request.requester === requester && request.submissionKey === submissionKey) return request;
    const entry = this.archive.entryBySubmission(requester, submissionKey);
    return entry ? this.archive.read(entry) : undefined;
  }

  async openRequests(): Promise<Request[]> {
    return this.#openByNumber();
  }

  #openByNumber(): Request[] {
    return [...this.#open.values()].sort((a, b) => a.number - b.number);
  }

  async list(filter: ListFilter = {}): Promise<Request[]> {
    const matches = (r: { requester: string; state: Request['status']['state'] }) =>
      (!filter.requester || r.requester === filter.requester) && (!filter.states || filter.states.includes(r.state));
    const closed: Request[] = [];
    for (const entry of this.archive.entries()) {
      if (!this.#open.has(entry.id) && matches(entry)) closed.push(await this.archive.read(entry));
    }
    const open = this.#openByNumber().filter((r) => matches({ requester: r.requester, state: r.status.state }));
    return [...closed, ...open].sort((a, b) => a.number - b.number);
  }

  async pendingAudit(): Promise<readonly AuditRecord[]> {
    return this.#outbox;
  }

  async auditWritten(head: AuditHead): Promise<void> {
    const at = this.#outbox.findIndex((e) => e.eventId === head.eventId);
    // The outbox is in commit order and the log is appended in that order: all up to `head` are written.
    if (at >= 0) this.#outbox = this.#outbox.slice(at + 1);
    this.#auditHead = head;
  }

  async auditHead(): Promise<AuditHead | undefined> {
    return this.#auditHead;
  }

  async pendingNotices(): Promise<readonly Notice[]> {
    return this.#notices;
  }

  async noticeSubjects(): Promise<readonly string[]> {
    return [...new Set(this.#notices.map(noticeSubject))];
  }

  async pendingNoticesOf(subject: string): Promise<readonly Notice[]> {
    return this.#notices.filter((n) => noticeSubject(n) === subject);
  }

  noticeDone(id: string, followUp: AuditAndNotices = { audit: [], notices: [] }): Promise<void> {
    const change = scrubDeep(followUp);
    return this.#serial.run(async () => {
      if (!this.#notices.some((n) => n.id === id)) return;
      const notices = [...this.#notices.filter((n) => n.id !== id), ...change.notices];
      await this.#write({ outbox: [...this.#outbox, ...change.audit], notices });
      // Read the outbox again: events may have been reported written during this write.
      this.#notices = notices;
      this.#outbox = [...this.#outbox, ...change.audit];
    });
  }

  /** The submission counters and sealed secrets as stored, for `store copy` (the port reads them one person or request at a time). */
  async smallSections(): Promise<{
    submissions: Readonly<Record<string, number[]>>;
    uses: StateDocument['uses'];
    secrets: readonly SecretRecord[];
  }> {
    return { submissions: this.#submissions, uses: this.#uses, secrets: this.#secrets };
  }

  async close(): Promise<void> {
    await this.#serial.run(async () => {
      await this.#write({});
      await this.messages.close();
      await this.auditLog.close();
      await this.archive.close();
      await this.reviewArchive.close();
      await this.lock.release();
    });
  }

  #reviewStore(): ReviewStore {
    const stored = (id: string) => this.#reviews.find((r) => r.id === id) ?? this.reviewArchive.get(id);
    return {
      save: (saved) => {
        const change = scrubDeep(saved);
        return this.#serial.run(async () => {
          const { review } = change;
          const actual = stored(review.id)?.version ?? null;
          if (actual !== change.expectedVersion)
            throw new StoreConflictError(review.id, change.expectedVersion, actual);
          // Like a request: durable in the live document with its audit events and notices, then archived once closed.
          const reviews = [...this.#reviews.filter((r) => r.id !== review.id), review];
          const notices = change.notices ?? [];
          await this.#write({
            reviews,
            outbox: [...this.#outbox, ...change.audit],
            notices: [...this.#notices, ...notices],
          });
          this.#reviews = reviews;
          this.#outbox = [...this.#outbox, ...change.audit];
          this.#notices = [...this.#notices, ...notices];
          if (!isReviewOpen(review)) {
            await this.reviewArchive.append(review);
            this.#reviews = this.#reviews.filter((r) => r.id !== review.id);
          }
        });
      },
      get: async (id) => stored(id),
      open: async () => this.#reviews.filter(isReviewOpen).sort(byCreation),
      list: async () => {
        const live = new Set(this.#reviews.map((r) => r.id));
        return [...this.reviewArchive.all().filter((r) => !live.has(r.id)), ...this.#reviews].sort(byCreation);
      },
    };
  }

  #secretStore(): SecretStore {
    const find = (requestId: string) => this.#secrets.find((s) => s.requestId === requestId);
    /** Stores `next` for its request (undefined: drops it), durably. */
    const save = (requestId: string, next: SecretRecord | undefined) =>
      this.#saveSecrets([...this.#secrets.filter((s) => s.requestId !== requestId), ...(next ? [next] : [])]);
    return {
      put: (secret: SealedSecret) => this.#serial.run(() => save(secret.requestId, secretRecord(secret))),
      lend: (requestId, person, now, lentUntil) =>
        this.#serial.run(async (): Promise<LendResult> => {
          const { result, next } = lendSecret(find(requestId), person, now, lentUntil);
          if (next) await save(requestId, next);
          return result;
        }),
      restore: (requestId) =>
        this.#serial.run(async () => {
          const record = find(requestId);
          if (record) await save(requestId, restoreSecret(record));
        }),
      spend: (requestId) =>
        this.#serial.run(async () => {
          const record = find(requestId);
          if (record) await save(requestId, spendSecret(record));
        }),
      showing: async (requestId, now) => isShowing(find(requestId), now),
      holds: async (requestId) => find(requestId)?.sealed !== undefined,
      drop: (requestId) =>
        this.#serial.run(async () => {
          if (find(requestId)) await save(requestId, undefined);
        }),
      dropExpired: (now) =>
        this.#serial.run(async () => {
          const expired = this.#secrets.filter((s) => secretExpired(s, now));
          if (expired.length === 0) return 0;
          await this.#saveSecrets(this.#secrets.map((s) => (secretExpired(s, now) ? withoutValue(s) : s)));
          return expired.length;
        }),
    };
  }

  async #saveSecrets(secrets: SecretRecord[]): Promise<void> {
    await this.#write({ secrets });
    this.#secrets = secrets;
  }

  async #write(changes: Changes): Promise<void> {
    const doc: StateDocument = {
      ...emptyDocument(),
      nextNumber: this.#nextNumber,
      open: [...(changes.open ?? this.#open).values()],
      outbox: changes.outbox ?? this.#outbox,
      notices: changes.notices ?? this.#notices,
      submissions: changes.submissions ?? this.#submissions,
      uses: changes.uses ?? this.#uses,
      secrets: changes.secrets ?? this.#secrets,
      reviews: changes.reviews ?? this.#reviews,
    };
    if (this.#auditHead) doc.auditHead = this.#auditHead;
    this.db.data = doc;
    await this.db.write();
  }
}
