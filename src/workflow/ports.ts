/** What the workflow needs from the outside world. Slack, the audit file and the clock plug in here. */
import type { AuditHead, AuditRecord } from '../domain/audit-event.ts';
import type { Notice, Undelivered } from '../domain/notice.ts';
import type { Secret } from '../domain/secret.ts';

export interface Clock {
  now(): number;
}

export type { Standing } from '../domain/policy.ts';
import type { Standing } from '../domain/policy.ts';
import { IamBotError } from '../shared/errors.ts';

export const systemClock: Clock = { now: () => Date.now() };

/** People facts; the Slack implementation reads profiles and user groups. */
export interface Directory {
  managerOf(user: string): Promise<string | undefined>;
  emailOf(user: string): Promise<string | undefined>;
  /** The person's display name (their real name, else their handle), for the audit trail. */
  nameOf?(user: string): Promise<string | undefined>;
  /** A full member of the workspace, or a guest or a user of another organisation (who never derive a provider account from an email). */
  standingOf(user: string): Promise<Standing>;
  /** false for a deactivated or unknown account, who can approve nothing; absent: everyone counts as active. */
  isActive?(user: string): Promise<boolean>;
  /** `fresh`: bypass any cache — used when the answer decides whether a click may approve. */
  usergroupMembers(usergroup: string, options?: { fresh?: boolean }): Promise<readonly string[]>;
  /** What is already known of a group, however old, without asking anyone; undefined when nothing is. */
  knownUsergroupMembers?(usergroup: string): readonly string[] | undefined;
}

export type {
  EventName as AuditEventName,
  Notice,
  RequestNotice,
  SweepNotice,
  Undelivered,
  UndeliveredNotice,
} from '../domain/notice.ts';

/** What became of a notice: delivered, except the parts listed, which can never be delivered as things stand. */
export interface DeliveryReport {
  undelivered: readonly Undelivered[];
}

/**
 * Delivers notices to people (Slack). Notices wait in the store's outbox and are delivered in order,
 * retried until delivered; `deliver` may be called again for a notice it partly delivered before.
 * A notice goes to several recipients; each is delivered on its own, so one that cannot be reached
 * never keeps the others from hearing. It throws only when a retry may help (429, 5xx, network);
 * what can never be delivered comes back in the report.
 */
export interface Notifier {
  deliver(notice: Notice): Promise<DeliveryReport>;
  /**
   * The store took the notice out of its outbox: what the notifier kept to resume it (parts done, posts
   * intended) may go. Only now: a crash before the store's write delivers the notice again, and that
   * delivery must still know what was posted.
   */
  settled?(notice: Notice): Promise<void>;
  /**
   * Tells the admins at once, outside the outbox: for trouble that keeps the store itself from taking a
   * notice (a full disk). Best effort: nothing is kept if it fails.
   */
  alertAdmins?(admins: readonly string[], text: string): Promise<void>;
  /**
   * Publishes the audit chain head outside the bot's disk (the audit channel), so a later rewrite of
   * the log can be shown; returns where it was posted, or undefined when there is nowhere to post.
   */
  publishCheckpoint?(head: { seq: number; hash: string }): Promise<{ channel: string; ts: string } | undefined>;
}

/** Where the audit log wrote an event (seq and hash), when known; notices quote it in Slack. */
export type AuditLookup = (eventId: string) => Promise<{ seq: number; hash: string } | undefined>;

/** A delivery that failed. `permanent`: it can never succeed as it is (a bug in the message), so it is dropped. */
export class DeliveryError extends IamBotError<'delivery_failed' | 'delivery_rejected'> {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(permanent ? 'delivery_rejected' : 'delivery_failed', message);
    this.name = 'DeliveryError';
  }
}

export interface AuditSink {
  /** Appends in order; returns the log's new head. */
  append(records: readonly AuditRecord[]): Promise<AuditHead | undefined>;
}

/**
 * Holds new secrets, by request id, until their owner has seen them once, or they expire: in memory
 * (MemorySecretVault), or sealed in the store for every replica (SealedSecretVault).
 * Showing is two steps so a secret is spent only once it was really shown: `open` lends it (a second
 * `open` meanwhile is refused), then `spend` wipes it, or `restore` makes it revealable again after the
 * showing failed.
 */
export interface SecretVault {
  put(requestId: string, owner: string, secret: Secret, ttlMs: number): Promise<void>;
  open(requestId: string, person: string): Promise<RevealResult>;
  spend(requestId: string): Promise<void>;
  restore(requestId: string): Promise<void>;
  /** Whether the secret is being shown right now (its deadline must not remove the key meanwhile). */
  showing(requestId: string): Promise<boolean>;
  /** Whether it is still held (revealable, deadline permitting): after a restart only a sealed vault still holds it. */
  holds(requestId: string): Promise<boolean>;
  discard(requestId: string): Promise<void>;
  /** Erases the secrets whose deadline passed (not one being shown): nothing is kept longer than needed. */
  expire(): Promise<void>;
}

export type RevealResult =
  | { ok: true; secret: Secret }
  | { ok: false; reason: 'unknown' | 'not_owner' | 'already_revealed' | 'being_shown' | 'expired' };

export * from './ports/provider.ts';
export * from './ports/store.ts';
