/** Issue 11 item 19: the logs tell what happened to each request, and never a secret. */
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, bob } = PEOPLE;

type Line = Record<string, unknown> & { msg: string; level: number };

function lines(e: E2E): Line[] {
  return e
    .logs()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
}

describe('logs', () => {
  it('every provider call logs provider, operation, duration and outcome, with the ref of the request it serves', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'cf-prod-admins',
      duration: '2h',
      reason: 'incident 4242',
    });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    const calls = lines(e).filter((l) => l.msg === 'provider call' || l.msg === 'provider call failed');
    expect(calls.map((l) => l.operation)).toEqual(
      expect.arrayContaining(['resolvePrincipal', 'isMember', 'addMember']),
    );
    for (const call of calls.filter((l) => l.operation === 'addMember' || l.operation === 'isMember')) {
      expect(call).toMatchObject({
        request: 'REQ-0001',
        provider: 'cf',
        outcome: 'ok',
        durationMs: expect.any(Number),
      });
    }
    // The request's changes are logged too, each with its ref.
    const updates = lines(e).filter((l) => l.msg === 'request updated');
    expect(updates.map((l) => l.state)).toEqual(
      expect.arrayContaining(['pending', 'approved', 'executing', 'completed']),
    );
    expect(updates.every((l) => l.request === 'REQ-0001')).toBe(true);
  });

  it('a failing provider call logs its error kind at info, with the ref', async () => {
    e = await startE2E();
    e.world.jcs.server.inject({ type: 'status', status: 403 }, 20);
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'outage' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    const failed = lines(e).filter((l) => l.msg === 'provider call failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]).toMatchObject({
      level: 30,
      provider: 'jcs',
      request: 'REQ-0001',
      outcome: expect.any(String),
      durationMs: expect.any(Number),
    });
  });

  it('every line about a request names its ref, and no line holds a rotated secret', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'key.rotate', itemId: 'osc-my-key', reason: 'quarterly rotation' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    await click(e, alice.id, dmWithButton(e, alice.id, 'iam_reveal'), 'iam_reveal');
    await click(e, alice.id, dmWithButton(e, alice.id, 'iam_rotation_done'), 'iam_rotation_done');
    const about = lines(e).filter(
      (l) => 'requestId' in l || 'operation' in l || (typeof l.notice === 'string' && l.notice.startsWith('REQ-')),
    );
    expect(about.length).toBeGreaterThan(0);
    expect(about.filter((l) => l.request !== 'REQ-0001')).toEqual([]);
    for (const key of e.world.outscale.state.keysOf('alice')) expect(e.logs()).not.toContain(key.secret);
  });
});
