import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, auditThread, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

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
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'cf-prod-admins', duration: '1h', reason: 'flaky network' });
    e.world.cloudflare.server.inject({ type: 'latency', ms: 1_500 }, 1);
    e.world.cloudflare.server.inject({ type: 'drop', when: 'after' }, 1);
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    expect((await stateOf('REQ-0001')).state).toBe('completed');
    const memberships = e.world.cloudflare.state.groupMembers(e.world.ids.cloudflareGroup);
    expect(memberships).toHaveLength(1);
  });
});
