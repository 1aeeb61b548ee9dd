/**
 * The Store port. One transition is one `commit`: the new request version, the audit events it caused
 * and the notices for the people involved are written together, so none is ever lost nor written for a
 * change that did not happen.
 */
import type { AuditHead, AuditRecord } from '../domain/audit-event.ts';
import type { Notice } from '../domain/notice.ts';
import type { Request, State } from '../domain/request.ts';

export interface Commit {
  request: Request;
  /** The version the change was computed from; `null` for a new request. */
  expectedVersion: number | null;
  audit: readonly AuditRecord[];
  notices?: readonly Notice[];
}

export interface ListFilter {
  states?: readonly State[];
  requester?: string;
}

export interface Store {
  /** A fresh request number; persisted with the next commit. */
  reserveNumber(): number;
  /** Throws `StoreConflictError` when the stored version is not `expectedVersion`. */
  commit(change: Commit): Promise<void>;
  get(id: string): Promise<Request | undefined>;
  getByNumber(number: number): Promise<Request | undefined>;
  /** The request `requester` submitted from the form `submissionKey`, open or closed. */
  findSubmission(requester: string, submissionKey: string): Promise<Request | undefined>;
  /** Requests still in play (not closed), oldest first; served from memory. */
  openRequests(): readonly Request[];
  /** Every request matching the filter, open and closed, oldest first. */
  list(filter?: ListFilter): Promise<Request[]>;
  /** Audit events committed but not yet known to be in the audit log, in commit order. */
  pendingAudit(): readonly AuditRecord[];
  /** Record that the audit log now ends at `head`; the events up to it leave the outbox. */
  auditWritten(head: AuditHead): void;
  /** The audit head as last persisted or reported. */
  auditHead(): AuditHead | undefined;
  /** Audit events and notices about no single request (what a sweep found), made durable together. */
  record(change: { audit: readonly AuditRecord[]; notices: readonly Notice[] }): Promise<void>;
  /** Notices committed but not yet delivered, in commit order. */
  pendingNotices(): readonly Notice[];
  /**
   * A notice was delivered (or dropped for good): it leaves the outbox, durably — in the same write as
   * `followUp`, the audit events and notices its delivery led to (parts nobody could receive).
   */
  noticeDone(id: string, followUp?: { audit: readonly AuditRecord[]; notices: readonly Notice[] }): Promise<void>;
  close(): Promise<void>;
}

export class StoreConflictError extends Error {
  constructor(
    readonly requestId: string,
    readonly expected: number | null,
    readonly actual: number | null,
  ) {
    super(`request ${requestId} changed concurrently (expected version ${expected ?? 'none'}, found ${actual ?? 'none'})`);
    this.name = 'StoreConflictError';
  }
}

/** Why a data directory cannot be used, for callers that branch on it. */
export type StoreOpenCode =
  /** Another process holds the directory. */
  | 'in_use'
  /** A file does not read as iam-bot wrote it. */
  | 'damaged'
  /** The directory belongs to the other world (production or sandbox). */
  | 'wrong_world'
  /** The audit log no longer reaches the last entry the store recorded. */
  | 'audit_loss'
  /** The file system refused (read-only, permissions, full disk). */
  | 'storage';

/** The data directory cannot be used as it is; start-up stops with this message. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';

  constructor(
    message: string,
    readonly code: StoreOpenCode = 'damaged',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
