/**
 * Commits one transition: the new version, its audit events and a notice per event for the people
 * involved, all in one store write. The audit log is then brought up to date from the outbox and the
 * notices are handed to the dispatcher; a crash in between is repaired at the next start.
 */
import type { AuditRecord } from '../domain/audit-event.ts';
import type { Request } from '../domain/request.ts';
import type { Store, AuditEventName, AuditSink, Clock, Directory } from './ports.ts';
import { Serial } from '../shared/serial.ts';
import type { Logger } from '../log.ts';
import type { RequestNotice, SweepFinding, SweepNotice } from '../domain/notice.ts';
import type { Dispatcher } from './dispatcher.ts';

/** Audit events about the bot rather than a request. */
type SystemEvent = 'policy.loaded';

export interface Recorded {
  event: AuditEventName;
  actor: string;
  details?: Record<string, unknown>;
  approvers?: readonly string[];
  /** The admins to tell (break-glass). */
  admins?: readonly string[];
}

export class Recorder {
  readonly #flushes = new Serial();

  constructor(
    private readonly store: Store,
    private readonly audit: AuditSink,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    private readonly newId: () => string,
    private readonly log: Logger,
    /** Names and emails of the people who act, recorded with each event. */
    private readonly directory?: Directory,
  ) {}

  /** Throws `StoreConflictError` when `previous` is stale; nothing is written then. */
  async commit(previous: Request | null, next: Request, events: readonly Recorded[]): Promise<void> {
    const people = new Map<string, Record<string, string>>();
    for (const e of events)
      if (e.actor !== 'system' && !people.has(e.actor)) people.set(e.actor, await this.#asOfNow(e.actor));
    const time = this.clock.now();
    const records: AuditRecord[] = [];
    const notices: RequestNotice[] = [];
    for (const e of events) {
      const eventId = this.newId();
      const details = { ...e.details, ...people.get(e.actor) };
      records.push({
        eventId,
        time,
        requestId: next.id,
        requestRef: next.ref,
        actor: e.actor,
        event: e.event,
        details,
      });
      notices.push({
        id: eventId,
        event: e.event,
        request: next,
        actor: e.actor,
        at: time,
        ...(e.approvers ? { approvers: e.approvers } : {}),
        ...(e.admins ? { admins: e.admins } : {}),
      });
    }
    await this.store.commit({ request: next, expectedVersion: previous?.version ?? null, audit: records, notices });
    // Names and states only: event details may quote people and providers.
    this.log.info(
      { request: next.ref, state: next.status.state, events: events.map((e) => e.event) },
      'request updated',
    );
    await this.flushAudit();
    this.dispatcher.kick();
  }

  /** Records an event about the bot itself (no request, nobody to notify): which policy is in force. */
  async note(event: SystemEvent, details: Record<string, unknown>): Promise<void> {
    await this.store.record({
      audit: [{ eventId: this.newId(), time: this.clock.now(), actor: 'system', event, details }],
      notices: [],
    });
    await this.flushAudit();
  }

  /**
   * Who the actor was at the time of the event (a Slack id outlives a name change or a departure): their
   * name and email from the directory, whose cache the action itself has usually just filled. Best
   * effort: the event is recorded without them when the directory cannot answer.
   */
  async #asOfNow(actor: string): Promise<Record<string, string>> {
    if (!this.directory) return {};
    try {
      const [name, email] = await Promise.all([this.directory.nameOf?.(actor), this.directory.emailOf(actor)]);
      return { ...(name ? { actorName: name } : {}), ...(email ? { actorEmail: email } : {}) };
    } catch (error) {
      this.log.warn({ err: error, actor }, 'could not look up the actor for the audit log; recorded by Slack id only');
      return {};
    }
  }

  /** Records what a sweep found: audit events and notices that belong to no single request's change. */
  async report(findings: readonly SweepFinding[]): Promise<void> {
    if (findings.length === 0) return;
    const time = this.clock.now();
    const audit: AuditRecord[] = [];
    const notices: SweepNotice[] = [];
    for (const f of findings) {
      const eventId = this.newId();
      audit.push({ eventId, time, actor: 'system', event: f.event, details: { ...f.finding } });
      notices.push({ id: eventId, actor: 'system', at: time, ...f });
    }
    await this.store.record({ audit, notices });
    await this.flushAudit();
    this.dispatcher.kick();
  }

  /** Writes the outbox to the audit log. Safe to call at any time; calls run one at a time. */
  flushAudit(): Promise<void> {
    return this.#flushes.run(async () => {
      const pending = await this.store.pendingAudit();
      if (pending.length === 0) return;
      try {
        const head = await this.audit.append(pending);
        if (head) await this.store.auditWritten(head);
      } catch (error) {
        // The events stay in the outbox and go out with the next flush.
        this.log.error({ err: error }, 'audit log append failed; will retry');
      }
    });
  }
}
