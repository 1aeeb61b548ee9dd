import { afterEach, describe, expect, it } from 'vitest';
import type { Policy } from '../../src/domain/policy.ts';
import { ProviderError } from '../../src/providers/port.ts';
import { basePolicy, groupItem } from '../support/fixtures.ts';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(() => h?.close());

const HOUR = 3_600_000;
const MIN = 60_000;
const ALICE = 'user-alice@example.com';

const member = () => h.provider.members.get('admins')?.has(ALICE) ?? false;
const stateOf = async (ref: string) => (await h.service.find(ref)).status;
const events = () => h.audit.records.map((r) => r.event);

async function grant(duration: string): Promise<string> {
  const request = await h.service.submit({ requester: 'U_ALICE', itemId: 'cf-admins', reason: 'on call', duration });
  await h.service.approve('U_BOB', request.ref);
  await h.settle();
  return request.ref;
}

async function at(ms: number): Promise<void> {
  h.clock.time = ms;
  await h.service.tick();
  await h.settle();
}

describe('timed grants', () => {
  it('removes a 1-hour grant at 1 hour, not before — with a restart in between', async () => {
    h = await createHarness();
    const ref = await grant('1h');
    const start = h.clock.now();
    expect(member()).toBe(true);
    await at(start + 30 * MIN);
    h = await h.restart();
    await at(start + HOUR - 1);
    expect(member()).toBe(true);
    await at(start + HOUR);
    expect(member()).toBe(false);
    expect((await stateOf(ref)).state).toBe('revoked');
    expect(events()).toEqual(expect.arrayContaining(['grant.expiring', 'revoke.started', 'revoke.completed']));
  });

  it('keeps the membership of two overlapping grants until the later one ends', async () => {
    h = await createHarness();
    const start = h.clock.now();
    const first = await grant('1h');
    h.clock.advance(10 * MIN);
    const second = await grant('2h');
    await at(start + HOUR);
    expect((await stateOf(first)).state).toBe('revoked');
    expect(member()).toBe(true);
    expect(h.audit.records.find((r) => r.requestRef === first && r.event === 'revoke.completed')?.details.summary).toContain(`${second} still grants it`);
    await at(start + 10 * MIN + 2 * HOUR);
    expect((await stateOf(second)).state).toBe('revoked');
    expect(member()).toBe(false);
  });

  it('leaves a membership the person already had when the grant ends', async () => {
    h = await createHarness();
    h.provider.members.set('admins', new Set([ALICE]));
    const ref = await grant('1h');
    await at(h.clock.now() + HOUR);
    expect((await stateOf(ref)).state).toBe('revoked');
    expect(member()).toBe(true);
  });

  it('releases at once when the requester is done, and only for them or an admin', async () => {
    h = await createHarness();
    const ref = await grant('8h');
    await expect(h.service.release('U_BOB', ref)).rejects.toThrow(/Only the requester or an admin/);
    await h.service.release('U_ALICE', ref);
    await h.settle();
    expect(member()).toBe(false);
    expect(await stateOf(ref)).toMatchObject({ state: 'revoked', outcome: { summary: expect.stringContaining('removed') } });
  });

  it('moves the end when an extension is approved, and not when it is denied', async () => {
    h = await createHarness();
    const ref = await grant('1h');
    const end = (await stateOf(ref)).state === 'completed' ? ((await stateOf(ref)) as { grantExpiresAt: number }).grantExpiresAt : 0;
    const denied = await h.service.extend('U_ALICE', ref, '1h', 'more time');
    await h.service.deny('U_BOB', denied.ref, 'no');
    expect(await stateOf(ref)).toMatchObject({ grantExpiresAt: end });
    await expect(h.service.extend('U_ALICE', ref, '9h', 'too much')).rejects.toThrow(/longer than the 8h/);
    const approved = await h.service.extend('U_ALICE', ref, '2h', 'incident still open');
    await h.service.approve('U_BOB', approved.ref);
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'completed', grantExpiresAt: end + 2 * HOUR });
    expect(await stateOf(approved.ref)).toMatchObject({ state: 'completed' });
    expect((await stateOf(approved.ref)) as { grantExpiresAt?: number }).not.toHaveProperty('grantExpiresAt');
    await at(end + HOUR);
    expect(member()).toBe(true);
    await at(end + 2 * HOUR);
    expect(member()).toBe(false);
    expect(events()).toContain('grant.extended');
  });

  it('warns once before the end', async () => {
    h = await createHarness();
    const ref = await grant('1h');
    const end = h.clock.now() + HOUR;
    await at(end - 16 * MIN);
    await at(end - 15 * MIN);
    await at(end - 10 * MIN);
    await at(end - 5 * MIN);
    expect(h.notifier.notices.filter((n) => n.event === 'grant.expiring' && n.request.ref === ref)).toHaveLength(1);
  });

  it('retries a failing revoke, escalates to the admins after five failures, and never gives up', async () => {
    h = await createHarness();
    const ref = await grant('1h');
    h.provider.failing.set('removeMember', new ProviderError('unavailable', 'provider down'));
    let now = h.clock.now() + HOUR;
    await at(now);
    for (let i = 0; i < 6; i++) {
      now += 2 * HOUR;
      await at(now);
    }
    expect(await stateOf(ref)).toMatchObject({ state: 'revoking', escalated: true });
    const escalations = h.notifier.notices.filter((n) => n.event === 'revoke.escalated');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]?.approvers).toEqual(['U_ADMIN']);
    expect(events().filter((e) => e === 'revoke.failed').length).toBeGreaterThanOrEqual(5);
    expect(h.audit.records.find((r) => r.event === 'revoke.failed')?.details).toMatchObject({ kind: 'unavailable', message: 'provider down' });
    h.provider.failing.clear();
    await at(now + 2 * HOUR);
    expect((await stateOf(ref)).state).toBe('revoked');
    expect(member()).toBe(false);
  });
});

describe('pending requests over time', () => {
  it('reminds, then escalates, then expires, telling everyone at each step', async () => {
    const policy: Policy = { ...basePolicy, catalog: [{ ...groupItem, escalateTo: 'admins' }] };
    h = await createHarness(policy);
    const request = await h.service.submit({ requester: 'U_ALICE', itemId: 'cf-admins', reason: 'x', duration: '1h' });
    const t0 = h.clock.now();
    await at(t0 + 4 * HOUR - 1);
    expect(events()).not.toContain('request.reminded');
    await at(t0 + 4 * HOUR);
    expect(h.notifier.notices.find((n) => n.event === 'request.reminded')?.approvers).toEqual(['U_BOB', 'U_CAROL']);
    await at(t0 + 12 * HOUR);
    expect(h.notifier.notices.find((n) => n.event === 'request.escalated')?.approvers).toEqual(['U_ADMIN']);
    await at(t0 + 13 * HOUR);
    expect(events().filter((e) => e === 'request.reminded' || e === 'request.escalated')).toEqual(['request.reminded', 'request.escalated']);
    await at(t0 + 24 * HOUR);
    expect((await stateOf(request.ref)).state).toBe('expired');
  });

  it('lets the escalation set decide once escalated, and not before', async () => {
    h = await createHarness();
    const request = await h.service.submit({ requester: 'U_ALICE', itemId: 'cf-admins', reason: 'x', duration: '1h' });
    await expect(h.service.approve('U_ADMIN', request.ref)).rejects.toThrow(/not in leads/);
    await at(h.clock.now() + 12 * HOUR);
    await h.service.approve('U_ADMIN', request.ref);
    await h.settle();
    expect((await stateOf(request.ref)).state).toBe('completed');
  });
});

describe('the sweep', () => {
  it('removes a membership whose grant ended, and reports, without removing, a member no grant explains', async () => {
    h = await createHarness();
    const ref = await grant('1h');
    await at(h.clock.now() + HOUR);
    expect(member()).toBe(false);
    // The membership came back behind the bot's back, and someone else was added by hand.
    h.provider.members.get('admins')?.add(ALICE);
    h.provider.members.get('admins')?.add('user-mallory@example.com');
    const result = await h.sweeper.run();
    await h.settle();
    expect(result).toEqual({ removed: 1, unexplained: 1 });
    expect([...(h.provider.members.get('admins') ?? [])]).toEqual(['user-mallory@example.com']);
    expect(h.notifier.findings.map((f) => [f.event, f.finding.member, f.finding.grant])).toEqual([
      ['sweep.removed', 'alice@example.com', ref],
      ['sweep.unexplained', 'user-mallory@example.com', undefined],
    ]);
    expect(events()).toEqual(expect.arrayContaining(['sweep.removed', 'sweep.unexplained']));
  });

  it('leaves members of active grants alone, and removes unexplained ones when the policy says so', async () => {
    const policy: Policy = { ...basePolicy, grants: { ...basePolicy.grants, removeUnexplained: true } };
    h = await createHarness(policy);
    await grant('1h');
    h.provider.members.get('admins')?.add('user-mallory@example.com');
    expect(await h.sweeper.run()).toEqual({ removed: 1, unexplained: 0 });
    expect([...(h.provider.members.get('admins') ?? [])]).toEqual([ALICE]);
  });
});
