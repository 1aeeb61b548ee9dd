/** /healthz, /readyz and /metrics of the real bot, after a real flow through Slack against the simulators. */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, click, dmWithButton, requestThroughModal, startE2E, type E2E } from '../e2e/support.ts';

let e: E2E;
afterEach(() => e?.close());
const { alice, bob } = PEOPLE;

async function get(path: string): Promise<{ status: number; text: string; type: string }> {
  const response = await request(`http://127.0.0.1:${e.bot.port}${path}`);
  return {
    status: response.statusCode,
    text: await response.body.text(),
    type: String(response.headers['content-type']),
  };
}

/** The value of one series in Prometheus' text format, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('operators\u2019 endpoints', () => {
  it('/metrics shows requests, decisions, provider calls and acks after a flow', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'jcs-devs',
      duration: '2h',
      reason: 'on call',
    });
    let metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toContain('text/plain');
    expect(sample(metrics.text, 'iam_bot_open_requests{kind="group.add",state="pending"}')).toBe(1);
    expect(sample(metrics.text, 'iam_bot_audit_events_total{event="request.submitted"}')).toBe(1);
    expect(sample(metrics.text, 'iam_bot_ack_duration_seconds_count{listener="slash_command"}')).toBe(1);
    expect(sample(metrics.text, 'iam_bot_ack_duration_seconds_count{listener="view_submission"}')).toBe(1);
    expect(sample(metrics.text, 'iam_bot_ack_duration_seconds_count{listener="options_load"}')).toBe(1);

    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    metrics = await get('/metrics');
    expect(sample(metrics.text, 'iam_bot_decisions_total{decision="approved"}')).toBe(1);
    expect(sample(metrics.text, 'iam_bot_time_to_decision_seconds_count')).toBe(1);
    expect(sample(metrics.text, 'iam_bot_open_requests{kind="group.add",state="completed"}')).toBe(1);
    expect(
      sample(metrics.text, 'iam_bot_provider_calls_total{provider="jcs",operation="addMember",outcome="ok"}'),
    ).toBe(1);
    expect(
      sample(metrics.text, 'iam_bot_provider_call_duration_seconds_count{provider="jcs",operation="addMember"}'),
    ).toBe(1);
    expect(sample(metrics.text, 'iam_bot_ack_duration_seconds_count{listener="block_action"}')).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(metrics.text, 'iam_bot_outbox_depth')).toBe(0);
    expect(sample(metrics.text, 'iam_bot_revoke_lag_seconds')).toBe(0);
    expect(sample(metrics.text, 'iam_bot_process_resident_memory_bytes')).toBeGreaterThan(0);
    // Nothing secret in what a scraper sees.
    expect(metrics.text).not.toContain(e.world.slack.botToken);
  });

  it('/readyz is ready while Slack accepts the token, and not ready (503, saying why) when Slack is unreachable', async () => {
    e = await startE2E();
    const health = await get('/healthz');
    expect([health.status, health.text]).toEqual([200, 'ok']);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ ready: true, checks: { store: 'ok', slack: 'ok' } });

    await e.bot.stop();
    await e.world.close();
    const again = await startE2E();
    e = again;
    // A second bot whose Slack goes away: its first readiness answer must say so.
    e.world.slack.injectFault({ kind: 'status', status: 503 }, { method: 'auth.test', count: 100 });
    const notReady = await get('/readyz');
    expect(notReady.status).toBe(503);
    const report = JSON.parse(notReady.text) as { ready: boolean; checks: Record<string, string> };
    expect(report.ready).toBe(false);
    expect(report.checks.store).toBe('ok');
    expect(report.checks.slack).not.toBe('ok');
    expect((await get('/healthz')).status).toBe(200);
  });
});
