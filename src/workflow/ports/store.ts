/**
 * The Store port: everything the bot keeps, in one place, so the embedded store (lowdb, one process)
 * and a database (PostgreSQL, several replicas) are interchangeable. Every method is async and reads
 * storage as it is now: no caller may rely on state cached in its own process, because another replica
 * may have changed it. `test/store/contract.ts` states this contract as tests; every implementation runs it.
 *
 * Sections:
 * - requests, the audit outbox and notices (this interface's own methods): one transition is one
 *   `commit` — the new request version, the audit events it caused and the notices for the people
 *   involved are written together, so none is ever lost nor written for a change that did not happen;
 * - `auditLog`: the append-only, hash-chained audit log;
 * - `messages`: where the bot's Slack messages about each request are, and each notice's delivery progress;
 * - `submissions`: the per-person submission rate counters;
 * - `uses`: uses of an allowance per key and period (an auto-approval rule's cap, break-glass's rate limit);
 * - `secrets`: new secrets, sealed, until revealed once or expired;
 * - `leases`: named work leases with expiry, so one replica at a time does a piece of work;
 * - `reviews`: access reviews, each written with its audit events and notices like a request's transition.
 */
import type { AuditEntry, AuditHead, AuditRecord } from '../../domain/audit-event.ts';
import type { Notice, Undelivered } from '../../domain/notice.ts';
import type { Request, State } from '../../domain/request.ts';
import type { Review } from '../../domain/review.ts';
import { IamBotError } from '../../shared/errors.ts';

export interface Commit {
  request: Request;
  /** The version the change was computed from; `null` for a new request. */
  expectedVersion: number | null;
  audit: readonly AuditRecord[];
  notices?: readonly Notice[];
}

/** Audit events and notices that belong to no request's change (a sweep's findings, a notice's delivery). */
export interface AuditAndNotices {
  audit: readonly AuditRecord[];
  notices: readonly Notice[];
}

export interface ListFilter {
  states?: readonly State[];
  requester?: string;
}

export interface Store {
  // ---- Requests ----

  /** A request number never handed out before, by any process. It may be lost (a gap) if no commit uses it. */
  reserveNumber(): Promise<number>;
  /**
   * Writes one transition atomically: the request (compare-and-set on its version), `audit` appended to
   * the outbox and `notices` to the notice outbox, all or nothing. Throws `StoreConflictError` when the
   * stored version is not `expectedVersion` (`null`: the id must be new); nothing is written then.
   * Durable when it resolves. A closed request stays readable by `get`, `getByNumber`, `findSubmission`, `list`.
   */
  commit(change: Commit): Promise<void>;
  get(id: string): Promise<Request | undefined>;
  getByNumber(number: number): Promise<Request | undefined>;
  /** The request `requester` submitted from the form `submissionKey`, open or closed. */
  findSubmission(requester: string, submissionKey: string): Promise<Request | undefined>;
  /** Requests still in play (not closed), by number. */
  openRequests(): Promise<Request[]>;
  /** Every request matching the filter, open and closed, by number. */
  list(filter?: ListFilter): Promise<Request[]>;

  // ---- Audit outbox and notices ----

  /** Audit events and notices about no single request, made durable together (atomic, like `commit`'s). */
  record(change: AuditAndNotices): Promise<void>;
  /**
   * Audit events committed but not yet in the audit log, in commit order. A store that appends the chain
   * inside `commit` itself (a database) always answers none.
   */
  pendingAudit(): Promise<readonly AuditRecord[]>;
  /**
   * The audit log now ends at `head` (the caller appended the pending events in order): those up to it
   * leave the outbox and `auditHead()` answers `head`. May become durable only with the next write.
   */
  auditWritten(head: AuditHead): Promise<void>;
  /** The audit head as last recorded (what the log must still reach when the bot starts). */
  auditHead(): Promise<AuditHead | undefined>;
  /** Notices committed but not yet delivered, in commit order. */
  pendingNotices(): Promise<readonly Notice[]>;
  /**
   * The subjects (`noticeSubject`) with notices waiting, each once, in the order of each one's oldest: ids
   * only, so a replica looking for work does not read every waiting notice.
   */
  noticeSubjects(): Promise<readonly string[]>;
  /** The notices waiting about `subject` (`noticeSubject`), in commit order. */
  pendingNoticesOf(subject: string): Promise<readonly Notice[]>;
  /**
   * A notice was delivered (or dropped for good): it leaves the outbox — atomically with `followUp`, the
   * audit events and notices its delivery led to (parts nobody could receive), which join the outboxes at
   * their end. A notice no longer pending is ignored, follow-up included (it was done already).
   */
  noticeDone(id: string, followUp?: AuditAndNotices): Promise<void>;

  // ---- The other sections ----

  readonly auditLog: AuditLogStore;
  readonly messages: MessageRefStore;
  readonly submissions: SubmissionCounters;
  readonly uses: UseCounters;
  readonly secrets: SecretStore;
  readonly leases: LeaseStore;
  readonly reviews: ReviewStore;

  /**
   * Whether this process runs the periodic work now (the tick, reminders, the sweep, checkpoints): of
   * several processes sharing the storage, one leads, and another takes over when it stops. Absent: this
   * process is the only one (the embedded store's directory lock).
   */
  leads?(): Promise<boolean>;
  /** Why the storage cannot take work now (unreachable, schema behind), or undefined when it can. Absent: see the bot's own check. */
  problem?(): Promise<string | undefined>;

  /** Finishes pending writes and lets go of the storage (the embedded store's directory lock). */
  close(): Promise<void>;
}

/**
 * The audit log: an append-only hash chain (audit/entry.ts: each entry's hash covers the previous one).
 * The embedded store keeps it as `audit.jsonl`; a database as a table. Appends are serialised, so the
 * chain never forks, whatever the number of processes.
 */
export interface AuditLogStore {
  /** Appends in order, numbering and chaining them; durable when it resolves. Refuses (all) events holding a secret. */
  append(records: readonly AuditRecord[]): Promise<AuditEntry[]>;
  /** The last entry of the chain; undefined while it is empty. */
  head(): Promise<AuditHead | undefined>;
  /** The entries after sequence number `afterSeq` (default 0: all), in order. */
  read(afterSeq?: number): AsyncIterable<AuditEntry>;
  /** Where an event was written, or undefined when not (yet, or any longer) known: the embedded store remembers its recent appends only. */
  entryOf(eventId: string): Promise<{ seq: number; hash: string } | undefined>;
}

export interface MessageRef {
  channel: string;
  ts: string;
}

export interface ApprovalRef extends MessageRef {
  /** The 0-based stage the message asked about. */
  stage: number;
  /** Whether the message was already updated to its final state. */
  settled: boolean;
  /** Set for a DM to one approver. */
  user?: string;
}

/** The bot's messages about one request. */
export interface RequestRefs {
  /** The root of its thread in the audit channel. */
  audit?: MessageRef;
  approvals: ApprovalRef[];
  /** The DM that offers the new secret of a key rotation. */
  secretDm?: MessageRef;
  /** The holder's DMs with Extend / "I'm done", settled once the access ends. */
  grantDms?: MessageRef[];
  /** An access review's message to each reviewer (kept under the review's id), and the page it shows. */
  reviewDms?: ReviewDmRef[];
  /** A break-glass use's Confirm / Flag message to each reviewer, settled once it is reviewed. */
  breakGlassDms?: (MessageRef & { user: string })[];
}

export interface ReviewDmRef extends MessageRef {
  user: string;
  /** 0-based page of the reviewer's members the message shows. */
  page: number;
}

/**
 * Where the bot's Slack messages about each request are (so later events update them and no stale
 * button survives), and how far each notice's delivery got (so a retried delivery repeats nothing).
 * Each method is atomic on its own; a request's entry is forgotten once it is closed and its last updates are out.
 */
export interface MessageRefStore {
  get(requestId: string): Promise<RequestRefs>;
  /** Changes one request's entry: `change` sees the stored entry and its result is stored, with no other change in between. */
  update(requestId: string, change: (refs: RequestRefs) => RequestRefs): Promise<void>;
  /** The parts of a notice's delivery already done. */
  partsDone(noticeId: string): Promise<readonly string[]>;
  markPart(noticeId: string, part: string): Promise<void>;
  /** The parts of a notice that can never be delivered, kept until the notice is done so a retry reports them again. */
  failures(noticeId: string): Promise<readonly Undelivered[]>;
  markFailed(noticeId: string, failure: Undelivered): Promise<void>;
  /** When the bot first set out to post the message of `key` (`<owner id>:<part>`), or undefined. */
  intentOf(key: string): Promise<number | undefined>;
  /** Records durably, before the post, that the message of `key` is about to be posted. */
  intend(key: string, at: number): Promise<void>;
  /** The notice is delivered: its parts, failures and intents (`<noticeId>:…`) are dropped. */
  delivered(noticeId: string): Promise<void>;
  /** The request is closed and its messages final: its entry and intents (`<requestId>:…`) are dropped. */
  forget(requestId: string): Promise<void>;
}

/**
 * Submissions per person in a sliding window (policy `requests.submissionLimit`), shared by every
 * process. A submission counts while `now - at < windowMs`.
 */
export interface SubmissionCounters {
  /** How many submissions `person` made in the window ending at `now`. */
  count(person: string, now: number, windowMs: number): Promise<number>;
  /**
   * Atomically: when fewer than `limit.count` submissions of `person` fall in the window, records one at
   * `now` and answers true; else records nothing and answers false. Entries older than the window may go.
   */
  take(person: string, now: number, limit: { count: number; windowMs: number }): Promise<boolean>;
}

/**
 * Uses of an allowance in a sliding window, by key (`<what>:<item>:<rule>:<person>`), shared by every
 * process: an auto-approval rule's cap per person and period, break-glass's rate limit per person.
 * Unlike the submission counters, each key has its own window (a rule's period), and the counts must
 * survive a restart and a `store copy`: they limit what passes without a person's decision.
 */
export interface UseCounters {
  /** How many uses of `key` fall in the window ending at `now`. */
  count(key: string, now: number, windowMs: number): Promise<number>;
  /** Atomically: when fewer than `limit.count` uses of `key` fall in the window, records one at `now` and answers true. */
  take(key: string, now: number, limit: { count: number; windowMs: number }): Promise<boolean>;
}

/** A new secret as stored: sealed (workflow/sealing.ts, AES-256-GCM), never in clear. */
export interface SealedSecret {
  requestId: string;
  /** Who may reveal it (the key's owner). */
  owner: string;
  /** The sealed envelope, opaque to the store. */
  sealed: string;
  /** Epoch ms after which it is never shown. */
  expiresAt: number;
}

export type LendResult =
  | { ok: true; secret: SealedSecret }
  | { ok: false; reason: 'unknown' | 'not_owner' | 'already_revealed' | 'being_shown' | 'expired' };

/**
 * New secrets (a rotated key's value), sealed, until their owner has seen them once or their deadline
 * passed. Showing is two steps so a secret is spent only once really shown: `lend` hands it out (a
 * second `lend` meanwhile is refused until `lentUntil`, so a replica that died while showing does not
 * lock it for good), then `spend` erases it or `restore` makes it lendable again. Each method is atomic.
 */
export interface SecretStore {
  /** Stores a new secret for its request, replacing whatever the request had. */
  put(secret: SealedSecret): Promise<void>;
  /**
   * Lends the secret to `person` for showing, until `lentUntil`. Refused: `unknown` (none stored or it was
   * dropped), `not_owner`, `already_revealed` (spent), `being_shown` (lent and not yet back, before its
   * `lentUntil`), `expired` (past its deadline: the value is erased on the spot).
   */
  lend(requestId: string, person: string, now: number, lentUntil: number): Promise<LendResult>;
  /** Showing failed: lendable again until its deadline. */
  restore(requestId: string): Promise<void>;
  /** Shown: the value is erased; only the fact that it was revealed remains. */
  spend(requestId: string): Promise<void>;
  /** Whether it is lent out at `now` (its deadline must not remove the key meanwhile). */
  showing(requestId: string, now: number): Promise<boolean>;
  /** Whether a value is stored for the request (lent or not): it can still be revealed, deadline permitting. */
  holds(requestId: string): Promise<boolean>;
  /** Drops the request's secret and any trace of it. */
  drop(requestId: string): Promise<void>;
  /** Erases every value past its deadline and not lent out; answers how many. */
  dropExpired(now: number): Promise<number>;
}

/**
 * Named leases with expiry: one holder at a time does the work a lease names (a request's provider step,
 * the outbox, the periodic tick). A holder that dies stops renewing and the lease lapses at `now + ttlMs`.
 * Each method is atomic: of two claimants of a free lease, exactly one gets it. The embedded store, one
 * process by its directory lock, keeps them in memory: they need not survive a reopen.
 */
export interface LeaseStore {
  /** Takes `name` for `holder` until `now + ttlMs` when free (never taken, released or lapsed) or already `holder`'s; whether it did. */
  claim(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** Extends `holder`'s lease to `now + ttlMs`; false when `holder` no longer holds it (released, or lapsed and taken by another). */
  renew(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, if `holder` holds it. */
  release(name: string, holder: string): Promise<void>;
}

/** One change of an access review: the review (compare-and-set on its version), its audit events and notices, together. */
interface ReviewChange {
  review: Review;
  /** The version the change was computed from; `null` for a new review. */
  expectedVersion: number | null;
  audit: readonly AuditRecord[];
  notices?: readonly Notice[];
}

/**
 * Access reviews, open and closed. `save` is atomic like `commit`: the review, its audit events (into the
 * outbox, or chained at once by a database) and its notices, all or nothing; `StoreConflictError` (naming
 * the review's id) when the stored version is not the expected one, and nothing is written.
 */
export interface ReviewStore {
  save(change: ReviewChange): Promise<void>;
  get(id: string): Promise<Review | undefined>;
  /** Reviews requested or open, oldest first. */
  open(): Promise<Review[]>;
  /** Every review, oldest first. */
  list(): Promise<Review[]>;
}

export class StoreConflictError extends IamBotError<'store_conflict'> {
  constructor(
    readonly requestId: string,
    readonly expected: number | null,
    readonly actual: number | null,
  ) {
    super(
      'store_conflict',
      `request ${requestId} changed concurrently (expected version ${expected ?? 'none'}, found ${actual ?? 'none'})`,
    );
    this.name = 'StoreConflictError';
  }
}
