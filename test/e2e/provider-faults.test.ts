import { afterEach, describe, expect, it } from 'vitest';
import {
  PEOPLE,
  auditThread,
  click,
  dmWithButton,
  everythingWritten,
  requestThroughModal,
  startE2E,
  type E2E,
} from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, bob, erin } = PEOPLE;
const stateOf = async (ref: string) => (await e.bot.services.service.find(ref)).status;
// Short provider timeouts so a hung provider is given up on quickly.
const fastTimeouts = (text: string) => text.replace(/(\n {4}type: (?:jcs|cloudflare)\n)/g, '$1    timeout: 1s\n');

describe('provider faults during a request', () => {
  it('a 429 storm within the budget ends in success, honouring Retry-After, executed once', async () => {
    e = await startE2E();
    e.world.jcs.server.inject({ type: 'status', status: 429, retryAfterSeconds: 1 }, 2);
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'storm' });
    const started = Date.now();
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect((await stateOf('REQ-0001')).state).toBe('completed');
    expect(e.world.jcs.server.requests.filter((r) => r.query.get('Action') === 'AssignUserToGroup')).toHaveLength(1);
  });

  it('503s past the budget fail clearly, and an admin retry then succeeds once', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'outage' });
    e.world.jcs.server.inject({ type: 'status', status: 503 }, 10);
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    expect(await stateOf('REQ-0001')).toMatchObject({ state: 'failed', error: { kind: 'unavailable' } });
    expect(auditThread(e, 'REQ-0001').replies.join('\n')).toMatch(/Failed \(unavailable\)/);
    e.world.jcs.server.clearFaults();
    await e.client.slashCommand({ user: erin.id, text: 'retry REQ-0001' });
    await e.bot.idle();
    expect((await stateOf('REQ-0001')).state).toBe('completed');
    expect(e.world.jcs.state.members('devs')).toEqual(['alice']);
  });

  it('a provider that times out and then drops a connection mid-request still ends with the member added once', async () => {
    e = await startE2E({ policy: fastTimeouts });
    await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'cf-prod-admins',
      duration: '1h',
      reason: 'flaky network',
    });
    e.world.cloudflare.server.inject({ type: 'latency', ms: 1_500 }, 1);
    e.world.cloudflare.server.inject({ type: 'drop', when: 'after' }, 1);
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    expect((await stateOf('REQ-0001')).state).toBe('completed');
    const memberships = e.world.cloudflare.state.groupMembers(e.world.ids.cloudflareGroup);
    expect(memberships).toHaveLength(1);
  });

  it('a provider echoing the credential in its error body: the echo reaches no file, log line or Slack message', async () => {
    e = await startE2E();
    const token = e.world.cloudflare.credentials.token;
    // Each echo form a real error body might take: raw, URL-encoded, JSON-escaped, base64 inside a longer blob.
    const echoes = [
      token,
      encodeURIComponent(token),
      JSON.stringify(token).slice(1, -1),
      Buffer.from(`Bearer ${token}`).toString('base64'),
    ];
    e.world.cloudflare.server.inject(
      {
        type: 'answer',
        respond: (request) => ({
          status: 403,
          headers: { 'content-type': 'application/json', 'cf-ray': '8f00echo' },
          body: JSON.stringify({
            success: false,
            errors: [
              {
                code: 9109,
                message: `Invalid access token: ${String(request.headers.authorization)} (${echoes.join(' / ')}) ${'x'.repeat(5_000)}`,
              },
            ],
            messages: [],
            result: null,
          }),
        }),
      },
      20,
    );
    await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'cf-prod-admins',
      duration: '1h',
      reason: 'echo',
    });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    const failed = await stateOf('REQ-0001');
    expect(failed).toMatchObject({
      state: 'failed',
      error: { message: expect.stringContaining('Invalid access token: Bearer [redacted]') },
    });
    // Bounded: megabytes of a provider's body do not become a Slack line.
    expect(failed.state === 'failed' && failed.error.message.length).toBeLessThanOrEqual(600);
    expect(auditThread(e, 'REQ-0001').replies.join('\n')).toMatch(/Invalid access token: Bearer \[redacted\]/);
    expect(
      e.world.slack.workspace
        .dmWith(alice.id)
        .map((m) => m.text ?? '')
        .join('\n'),
    ).toMatch(/Failed|failed/);
    await e.bot.idle();
    const written = await everythingWritten(e);
    for (const echo of echoes) expect(written.includes(echo), `an echo (${echo.slice(0, 6)}…) was written`).toBe(false);
    expect(written.includes(Buffer.from(token).toString('base64').slice(4, 40))).toBe(false);
  });
});
