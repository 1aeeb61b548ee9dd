/**
 * The bot's Prometheus metrics (`GET /metrics`). Counters and histograms are fed where things happen (audit
 * events, provider calls, acks); gauges about work waiting are read from the store at each scrape, so they
 * are never stale and cost nothing between scrapes.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditRecord } from '../domain/audit-event.ts';
import { isRequestNotice, type Notice } from '../domain/notice.ts';
import type { Request } from '../domain/request.ts';

/** What the scrape-time gauges read. */
export interface MetricsSource {
  openRequests(): Promise<readonly Request[]>;
  pendingNotices(): Promise<readonly Notice[]>;
  now(): number;
}

export type ListenerType =
  | 'slash_command'
  | 'options_load'
  | 'view_submission'
  | 'view_closed'
  | 'block_action'
  | 'shortcut'
  | 'event'
  | 'other';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const DECISION_BUCKETS = [60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600];

export class BotMetrics {
  readonly registry = new Registry();
  private readonly auditEvents: Counter<'event'>;
  private readonly decisions: Counter<'decision'>;
  private readonly timeToDecision: Histogram;
  private readonly providerCalls: Counter<'provider' | 'operation' | 'outcome'>;
  private readonly providerLatency: Histogram<'provider' | 'operation'>;
  private readonly providerRetries: Counter<'provider' | 'operation'>;
  private readonly acks: Histogram<'listener'>;

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'iam_bot_' });
    this.auditEvents = new Counter({
      name: 'iam_bot_audit_events_total',
      help: 'Audit log entries written, by event.',
      labelNames: ['event'],
      registers,
    });
    this.decisions = new Counter({
      name: 'iam_bot_decisions_total',
      help: 'Requests decided by people, by decision.',
      labelNames: ['decision'],
      registers,
    });
    this.timeToDecision = new Histogram({
      name: 'iam_bot_time_to_decision_seconds',
      help: 'From submission to the final approval or the denial.',
      buckets: DECISION_BUCKETS,
      registers,
    });
    this.providerCalls = new Counter({
      name: 'iam_bot_provider_calls_total',
      help: 'Provider operations, by provider instance, operation and outcome (ok or the error kind).',
      labelNames: ['provider', 'operation', 'outcome'],
      registers,
    });
    this.providerLatency = new Histogram({
      name: 'iam_bot_provider_call_duration_seconds',
      help: 'Provider operation latency, retries included.',
      labelNames: ['provider', 'operation'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.providerRetries = new Counter({
      name: 'iam_bot_provider_retries_total',
      help: 'Provider HTTP requests sent again (throttling, server errors, timeouts), by the operation they served.',
      labelNames: ['provider', 'operation'],
      registers,
    });
    this.acks = new Histogram({
      name: 'iam_bot_ack_duration_seconds',
      help: 'From a Slack request reaching the app to its ack, by listener type (Slack gives up after 3 s).',
      labelNames: ['listener'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'iam_bot_open_requests',
      help: 'Requests not yet closed, by kind and state.',
      labelNames: ['kind', 'state'],
      registers,
      async collect() {
        const open = await source.openRequests();
        this.reset();
        for (const request of open) this.inc({ kind: request.operation.kind, state: request.status.state });
      },
    });
    new Gauge({
      name: 'iam_bot_outbox_depth',
      help: 'Slack notices committed and not yet delivered.',
      registers,
      async collect() {
        this.set((await source.pendingNotices()).length);
      },
    });
    new Gauge({
      name: 'iam_bot_outbox_oldest_age_seconds',
      help: 'How long the oldest notice not yet delivered has waited since its commit (0 when none).',
      registers,
      async collect() {
        this.set(oldestNoticeAge(await source.pendingNotices(), source.now()) / 1000);
      },
    });
    new Gauge({
      name: 'iam_bot_revoke_lag_seconds',
      help: 'How long the oldest grant past its end still waits to be removed (0 when none).',
      registers,
      async collect() {
        this.set(oldestOverdueGrant(await source.openRequests(), source.now()) / 1000);
      },
    });
  }

  /** An audit entry was written; decisions also feed the decision counters (the request is looked up only for those). */
  audited(record: AuditRecord, lookup: (requestId: string) => Promise<Request | undefined>): void {
    this.auditEvents.inc({ event: record.event });
    const decision =
      record.event === 'request.approved' ? 'approved' : record.event === 'request.denied' ? 'denied' : undefined;
    if (decision === undefined) return;
    this.decisions.inc({ decision });
    if (record.requestId === undefined) return;
    void lookup(record.requestId).then(
      (request) => {
        if (request) this.timeToDecision.observe(Math.max(0, record.time - request.createdAt) / 1000);
      },
      () => undefined,
    );
  }

  providerCall(call: { provider: string; operation: string; outcome: string; ms: number }): void {
    this.providerCalls.inc({ provider: call.provider, operation: call.operation, outcome: call.outcome });
    this.providerLatency.observe({ provider: call.provider, operation: call.operation }, call.ms / 1000);
  }

  /** The HTTP layer sent a request of this operation again. */
  providerRetry(call: { provider: string; operation: string }): void {
    this.providerRetries.inc({ provider: call.provider, operation: call.operation });
  }

  acked(listener: ListenerType, ms: number): void {
    this.acks.observe({ listener }, ms / 1000);
  }
}

/**
 * Milliseconds the oldest grant has run past its end without being removed: a completed grant past its end
 * (the tick has not started its revoke), or an expiry revoke still under way (started when the grant ended).
 */
function oldestOverdueGrant(requests: readonly Request[], now: number): number {
  let lag = 0;
  for (const { status } of requests) {
    const end =
      status.state === 'completed'
        ? status.grantExpiresAt
        : status.state === 'revoking' && status.trigger === 'expired'
          ? status.at
          : undefined;
    if (end !== undefined && end < now) lag = Math.max(lag, now - end);
  }
  return lag;
}

/** Milliseconds the oldest pending notice has waited; one written by an earlier release (no `at`) counts from its request's last change. */
function oldestNoticeAge(notices: readonly Notice[], now: number): number {
  let age = 0;
  for (const notice of notices) {
    const at = notice.at ?? (isRequestNotice(notice) ? notice.request.updatedAt : undefined);
    if (at !== undefined) age = Math.max(age, now - at);
  }
  return age;
}
