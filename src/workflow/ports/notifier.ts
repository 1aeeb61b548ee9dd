/** The Notifier port: how notices reach people (Slack), and what became of each. */
import type { Notice, Undelivered } from '../../domain/notice.ts';
import { IamBotError } from '../../shared/errors.ts';

export type {
  EventName as AuditEventName,
  Notice,
  RequestNotice,
  SweepNotice,
  Undelivered,
  UndeliveredNotice,
} from '../../domain/notice.ts';

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
