/** /healthz, /readyz and /metrics of the real bot, after a real flow through Slack against the simulators. */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, click, dmWithButton, requestThroughModal, startE2E, type E2E } from '../e2e/support.ts';
import { FakeClock } from '../support/doubles.ts';

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

/** The sum of every series whose name and labels start with `prefix`. */
function total(text: string, prefix: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Scrapes until `holds` is true of the text, for at most `ms` (then the last scrape, for the assertions to fail on). */
async function scrapeUntil(holds: (text: string) => boolean, ms = 10_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { text } = await get('/metrics');
    if (holds(text) || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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

  it('/metrics counts a provider call retried, and shows the outbox and its oldest notice\u2019s age while Slack is slow', async () => {
    const clock = new FakeClock(Date.now());
    e = await startE2E({ clock });
    await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'jcs-devs',
      duration: '2h',
      reason: 'on call',
    });
    let text = (await get('/metrics')).text;
    expect(sample(text, 'iam_bot_outbox_depth')).toBe(0);
    expect(sample(text, 'iam_bot_outbox_oldest_age_seconds')).toBe(0);
    expect(total(text, 'iam_bot_provider_retries_total{')).toBe(0);

    // JCS answers the approval's first call with a 503 (the HTTP layer sends it again), and Slack's next
    // calls are slow, so the approval's notices wait in the outbox.
    e.world.jcs.server.inject({ type: 'status', status: 503 }, 1);
    e.world.slack.injectFault({ kind: 'delay', ms: 1_000 }, { count: 3 });
    const clicked = await e.client.clickButton({
      user: bob.id,
      message: dmWithButton(e, bob.id, 'iam_approve'),
      actionId: 'iam_approve',
    });
    expect(clicked.status).toBe(200);
    text = await scrapeUntil((t) => (sample(t, 'iam_bot_outbox_depth') ?? 0) > 0);
    expect(sample(text, 'iam_bot_outbox_depth')).toBeGreaterThan(0);
    clock.advance(90_000);
    text = (await get('/metrics')).text;
    expect(sample(text, 'iam_bot_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(90);

    await e.bot.idle();
    text = (await get('/metrics')).text;
    expect(sample(text, 'iam_bot_outbox_depth')).toBe(0);
    expect(sample(text, 'iam_bot_outbox_oldest_age_seconds')).toBe(0);
    expect(total(text, 'iam_bot_provider_retries_total{provider="jcs",')).toBe(1);
    expect(sample(text, 'iam_bot_open_requests{kind="group.add",state="completed"}')).toBe(1);
  });

  it('/readyz says draining (503) while a stop lets a step in flight finish; Slack requests are refused meanwhile', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'jcs-devs',
      duration: '2h',
      reason: 'on call',
    });
    const calls = e.world.jcs.server.requests.length;
    // A slow provider: the approval's step is still running when the bot is told to stop.
    e.world.jcs.server.setLatency(1_500);
    const clicked = await e.client.clickButton({
      user: bob.id,
      message: dmWithButton(e, bob.id, 'iam_approve'),
      actionId: 'iam_approve',
    });
    expect(clicked.status).toBe(200);
    while (e.world.jcs.server.requests.length === calls) await new Promise((resolve) => setTimeout(resolve, 10));
    const stopped = e.bot.stop();

    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    const report = JSON.parse(ready.text) as { ready: boolean; checks: Record<string, string> };
    expect(report.ready).toBe(false);
    expect(report.checks.draining).toMatch(/stopping/);
    expect((await get('/healthz')).status).toBe(200);
    const refused = await e.client.slashCommand({ user: alice.id, text: 'status' });
    expect(refused.status).toBe(503);

    await stopped;
    e.world.jcs.server.setLatency(0);
    // The step in flight finished before the bot stopped.
    expect(e.world.jcs.state.members('devs')).toContain('alice');
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
