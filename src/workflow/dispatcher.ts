/**
 * Delivers the store's notice outbox, one notice at a time per process, each request's (or review's)
 * notices in order. A failed delivery is retried with backoff (honouring the notifier's retry-after) until it
 * succeeds: a slow or failing Slack delays notices but loses none, and they keep their order. A part of a notice that can never be delivered
 * (the bot is not in the channel, the person is deactivated) is recorded in the audit log and reported
 * to the admins, in the same store write that takes the notice out of the outbox. A notice the notifier
 * says can never be delivered at all is dropped, and that is audited too.
 */
import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../domain/audit-event.ts';
import {
  describeNotice,
  isRequestNotice,
  isUndeliveredNotice,
  type Notice,
  type Undelivered,
  type UndeliveredNotice,
} from '../domain/notice.ts';
import type { Logger } from '../log.ts';
import { withRequestRef } from '../shared/log-context.ts';
import { backoffDelay, type BackoffPolicy } from '../shared/backoff.ts';
import { underLease } from './leased-work.ts';
import { type Store, DeliveryError, type Clock, type Notifier } from './ports.ts';

/** What the dispatcher needs to report undeliverable parts. */
interface ReportDeps {
  clock: Clock;
  newId: () => string;
  /** The policy's admins, who are told. */
  admins: () => Promise<readonly string[]>;
  /** Writes the store's pending audit events to the log. */
  flushAudit: () => Promise<void>;
}

/** The same recipient failing the same way is reported to the admins at most this often (every notice is audited). */
const REPORT_AGAIN_AFTER_MS = 60 * 60_000;

export interface DispatcherOptions {
  /** False for a process that only records decisions (the CLI): notices wait for the running bot. */
  active?: boolean;
  backoff?: BackoffPolicy;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 60_000 };

/**
 * The outbox is ordered per subject: a request's notices (its approval messages, its audit thread, its DMs)
 * must reach Slack in the order they were committed, but two requests' notices need no order between them.
 * So a lease is per subject, not one for the whole outbox: replicas deliver different requests' notices side by
 * side, and one that dies holds up only the subject it was delivering.
 */
const outboxLease = (subject: string) => `outbox:${subject}`;
/**
 * Short, and renewed on a timer while a subject's notices are being delivered: a live holder keeps it through a
 * delivery of any length (a retry may wait a minute), and one that dies holds that subject up for seconds only.
 */
const OUTBOX_LEASE_MS = 15_000;
const OUTBOX_LOOK_AGAIN_MS = 1_000;

export class Dispatcher {
  /** This process, as a lease holder. */
  readonly #worker = randomUUID();
  #running: Promise<void> | undefined;
  /** Kicked while draining: the outbox is read once more before the drain ends. */
  #kicked = false;
  #stopping = false;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Recipient and error → when the admins were last told, so an unreachable channel does not flood them. */
  readonly #reported = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    private readonly reports: ReportDeps,
    private readonly options: DispatcherOptions = {},
  ) {
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** Starts draining the outbox if it is not already being drained. */
  kick(): void {
    if (this.#stopping || this.options.active === false) return;
    if (this.#running) {
      this.#kicked = true;
      return;
    }
    this.#running = this.#drainWhileKicked();
  }

  async #drainWhileKicked(): Promise<void> {
    try {
      // A notice committed while the last one was being finished: its kick came while draining.
      do {
        this.#kicked = false;
        await this.#drain();
      } while (this.#kicked && !this.#stopping);
    } finally {
      // Cleared here, not in a later callback: a kick from now on starts a new drain.
      this.#running = undefined;
    }
  }

  /** Resolves when the outbox is empty (or the dispatcher stopped). */
  async settle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Finishes the delivery in progress, then stops; what is left stays in the outbox for the next start. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#running;
  }

  /**
   * Delivers the outbox, the oldest notice of a subject no other replica is delivering first, holding that
   * subject's lease (renewed while it delivers). When every waiting subject is another replica's, this one
   * looks again shortly: if a holder dies, its lease lapses and the next look (at the latest the leader's
   * tick) takes its subject over.
   */
  async #drain(): Promise<void> {
    for (;;) {
      if (this.#stopping) return;
      // The subjects only, not their notices: a subject another replica holds is not read at all.
      const waiting = await this.store.noticeSubjects();
      if (waiting.length === 0) return;
      let took = false;
      for (const subject of waiting) {
        if (this.#stopping) return;
        const lease = { name: outboxLease(subject), holder: this.#worker, ttlMs: OUTBOX_LEASE_MS };
        if (
          await underLease(this.store.leases, this.reports.clock, lease, (held) => this.#deliverSubject(subject, held))
        ) {
          took = true;
          break;
        }
      }
      if (!took) {
        setTimeout(() => this.kick(), OUTBOX_LOOK_AGAIN_MS).unref();
        return;
      }
    }
  }

  /**
   * Delivers `subject`'s notices in order, read under its lease (another replica may have delivered some before
   * it was taken), once per batch: a notice committed meanwhile is in the next read, when the batch is done.
   * Only while the lease is still this process's: once it may not be, the next notice is left to its holder.
   */
  async #deliverSubject(subject: string, held: () => boolean): Promise<void> {
    for (;;) {
      const batch = await this.store.pendingNoticesOf(subject);
      if (batch.length === 0) return;
      for (const notice of batch) {
        if (this.#stopping || !held()) return;
        await this.#deliverNotice(notice, held);
      }
    }
  }

  /** Delivers one notice, retrying until it is delivered or dropped for good (or the dispatcher stops, or the lease may be lost). */
  async #deliverNotice(notice: Notice, held: () => boolean): Promise<void> {
    let failures = 0;
    for (;;) {
      if (this.#stopping || !held()) return;
      try {
        const { undelivered } = await inContextOf(notice, () => this.notifier.deliver(notice));
        failures = 0;
        if (undelivered.length === 0) await this.store.noticeDone(notice.id);
        else await this.#reportUndelivered(notice, undelivered);
        await this.notifier.settled?.(notice);
        return;
      } catch (error) {
        if (error instanceof DeliveryError && error.permanent) {
          this.log.error({ err: error, ...logFields(notice) }, 'dropping a notice that can never be delivered');
          await this.store.noticeDone(notice.id, {
            audit: [this.#auditRecord(notice, 'notice.dropped', { error: error.message })],
            notices: [],
          });
          await this.notifier.settled?.(notice);
          await this.reports.flushAudit();
          return;
        }
        failures++;
        const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : undefined;
        const delay = Math.max(retryAfter ?? 0, backoffDelay(failures, this.options.backoff ?? DEFAULT_BACKOFF));
        this.log.warn(
          { err: error, ...logFields(notice), attempt: failures, delayMs: delay },
          'notice delivery failed; will retry',
        );
        await this.#sleep(delay);
      }
    }
  }

  /**
   * Audits the parts nobody received and tells the admins (their DMs, or the audit channel when the
   * policy names none) — unless the notice was itself such a report: then the audit log alone holds it.
   */
  async #reportUndelivered(notice: Notice, undelivered: readonly Undelivered[]): Promise<void> {
    this.log.error(
      { ...logFields(notice), undelivered },
      'parts of a notice can never be delivered; recorded and reported to the admins',
    );
    const now = this.reports.clock.now();
    const record = this.#auditRecord(notice, 'notice.undelivered', { undelivered: undelivered.map((u) => ({ ...u })) });
    const fresh = undelivered.filter(
      (u) => now - (this.#reported.get(reportKey(u)) ?? -Infinity) >= REPORT_AGAIN_AFTER_MS,
    );
    const notices: UndeliveredNotice[] = [];
    if (!isUndeliveredNotice(notice) && fresh.length > 0) {
      notices.push({
        id: record.eventId,
        event: 'notice.undelivered',
        actor: 'system',
        about: aboutOf(notice),
        undelivered: fresh,
        admins: await this.reports.admins(),
        at: now,
      });
    }
    await this.store.noticeDone(notice.id, { audit: [record], notices });
    for (const u of fresh) this.#reported.set(reportKey(u), now);
    await this.reports.flushAudit();
  }

  /** An audit event about a notice's delivery, tied to its request when it has one. */
  #auditRecord(notice: Notice, event: string, details: Record<string, unknown>): AuditRecord {
    return {
      eventId: this.reports.newId(),
      time: this.reports.clock.now(),
      ...(isRequestNotice(notice) ? { requestId: notice.request.id, requestRef: notice.request.ref } : {}),
      actor: 'system',
      event,
      details: { ...aboutOf(notice), ...details },
    };
  }
}

function aboutOf(notice: Notice): UndeliveredNotice['about'] {
  return {
    notice: notice.id,
    event: notice.event,
    ...(isRequestNotice(notice) ? { requestRef: notice.request.ref } : {}),
  };
}

function reportKey(u: Undelivered): string {
  return `${'channel' in u.to ? u.to.channel : u.to.user} ${u.code}`;
}

/** A notice's log fields: what it is, and the ref of the request it is about. */
function logFields(notice: Notice): { notice: string; request?: string } {
  return isRequestNotice(notice)
    ? { notice: describeNotice(notice), request: notice.request.ref }
    : { notice: describeNotice(notice) };
}

/** Delivers with the request's ref on every log line written meanwhile (the notifier's own included). */
function inContextOf<T>(notice: Notice, work: () => Promise<T>): Promise<T> {
  return isRequestNotice(notice) ? withRequestRef(notice.request.ref, work) : work();
}
