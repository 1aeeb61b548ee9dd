import { afterEach, describe, expect, it } from 'vitest';
import type { Policy } from '../../src/domain/policy.ts';
import { ProviderError } from '../../src/workflow/ports.ts';
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
    expect(
      h.audit.records.find((r) => r.requestRef === first && r.event === 'revoke.completed')?.details.summary,
    ).toContain(`${second} also grants it`);
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
    const end = h.clock.now() + 8 * HOUR;
    await h.service.release('U_ALICE', ref);
    await h.settle();
    expect(member()).toBe(false);
    expect(await stateOf(ref)).toMatchObject({
      state: 'revoked',
      outcome: { summary: expect.stringContaining('removed') },
    });
    // Recorded as a release by its holder (issue 13 item 3), not as the period running out.
    expect(events()).not.toContain('revoke.started');
    expect(h.audit.records.find((r) => r.event === 'grant.released')).toMatchObject({
      actor: 'U_ALICE',
      details: { releasedEarlyBy: 'U_ALICE', byHolder: true, scheduledEnd: new Date(end).toISOString() },
    });
  });

  it('moves the end when an extension is approved, and not when it is denied', async () => {
    h = await createHarness();
    const ref = await grant('1h');
    const end =
      (await stateOf(ref)).state === 'completed'
        ? ((await stateOf(ref)) as { grantExpiresAt: number }).grantExpiresAt
        : 0;
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
    expect(h.audit.records.find((r) => r.event === 'revoke.failed')?.details).toMatchObject({
      kind: 'unavailable',
      message: 'provider down',
    });
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
    expect(events().filter((e) => e === 'request.reminded' || e === 'request.escalated')).toEqual([
      'request.reminded',
      'request.escalated',
    ]);
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
    expect(
      h.notifier.findings.map((f) =>
        f.event === 'sweep.incomplete' ? [f.event] : [f.event, f.finding.member, f.finding.grant],
      ),
    ).toEqual([
      ['sweep.unexplained', 'user-mallory@example.com', undefined],
      ['sweep.removed', 'alice@example.com', ref],
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

describe('a timed grant ending beside another grant of the same group (issue 11 item 13)', () => {
  const policy: Policy = {
    ...basePolicy,
    catalog: [
      groupItem,
      {
        id: 'cf-admins-permanent',
        title: 'Cloudflare admins (permanent)',
        provider: 'cf',
        kind: 'group.add',
        group: 'admins',
        stages: [{ set: 'leads', quorum: 1 }],
        requireReason: false,
      },
    ],
  };

  it('keeps the membership a permanent grant of the same group also justifies', async () => {
    h = await createHarness(policy);
    const timed = await grant('1h');
    const permanent = await h.service.submit({
      requester: 'U_ALICE',
      itemId: 'cf-admins-permanent',
      reason: 'joins the team',
    });
    await h.service.approve('U_BOB', permanent.ref);
    await h.settle();
    expect((await stateOf(permanent.ref)).state).toBe('completed');
    await at(h.clock.now() + HOUR);
    expect((await stateOf(timed)).state).toBe('revoked');
    expect(member()).toBe(true);
    expect(
      h.audit.records.find((r) => r.requestRef === timed && r.event === 'revoke.completed')?.details.summary,
    ).toContain(`${permanent.ref} also grants it`);
  });

  it('keeps the membership while another grant of the same group is being carried out', async () => {
    h = await createHarness();
    const first = await grant('1h');
    let release: () => void = () => undefined;
    h.provider.gate = new Promise((resolve) => (release = resolve)); // the second grant's provider calls wait
    const second = await h.service.submit({
      requester: 'U_ALICE',
      itemId: 'cf-admins',
      reason: 'more',
      duration: '2h',
    });
    await h.service.approve('U_BOB', second.ref);
    while ((await stateOf(second.ref)).state !== 'executing') await new Promise((resolve) => setImmediate(resolve));
    h.clock.advance(HOUR);
    await h.service.tick();
    release();
    await h.settle();
    expect(
      h.audit.records.find((r) => r.requestRef === first && r.event === 'revoke.completed')?.details.summary,
    ).toContain(`${second.ref} also grants it`);
    expect((await stateOf(second.ref)).state).toBe('completed');
    expect(member()).toBe(true);
  });
});

describe('the sweep on partial or stale data (issue 11 item 12)', () => {
  const removing: Policy = { ...basePolicy, grants: { ...basePolicy.grants, removeUnexplained: true } };

  it('changes nothing and reports once when the person of an active grant cannot be named', async () => {
    h = await createHarness(removing);
    h.provider.addUser('dave@example.com');
    h.directory.emails.set('U_DAVE', 'dave@example.com');
    await grant('1h');
    const dave = await h.service.submit({
      requester: 'U_DAVE',
      itemId: 'cf-admins',
      reason: 'on call',
      duration: '1h',
    });
    await h.service.approve('U_BOB', dave.ref);
    await h.settle();
    h.provider.failing.set('resolvePrincipal', new ProviderError('unavailable', 'storm'));
    expect(await h.sweeper.run()).toEqual({ removed: 0, unexplained: 0 });
    await h.settle();
    expect(member()).toBe(true);
    expect(h.provider.members.get('admins')?.has('user-dave@example.com')).toBe(true);
    expect(h.notifier.findings.map((f) => f.event)).toEqual(['sweep.incomplete']);
    expect(h.notifier.findings[0]?.finding).toMatchObject({
      provider: 'cf',
      group: 'admins',
      problem: 'unavailable: storm',
    });
  });

  it('changes nothing and reports once when the member list cannot be read', async () => {
    h = await createHarness(removing);
    await grant('1h');
    h.provider.failing.set('listMembers', new ProviderError('unavailable', 'storm'));
    await h.sweeper.run();
    await h.settle();
    expect(member()).toBe(true);
    expect(h.notifier.findings.map((f) => f.event)).toEqual(['sweep.incomplete']);
  });

  it('never removes a membership a grant added while the sweep was reading the provider', async () => {
    h = await createHarness(removing);
    // The grant is approved and carried out while the sweep waits for the member list.
    const listing = h.provider.listMembers.bind(h.provider);
    h.provider.listMembers = async (group) => {
      const members = await listing(group);
      await grant('1h');
      return [...members, { id: ALICE, name: 'alice@example.com' }];
    };
    expect(await h.sweeper.run()).toEqual({ removed: 0, unexplained: 0 });
    expect(member()).toBe(true);
  });
});
