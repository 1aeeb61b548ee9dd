/**
 * Break-glass with the fake clock: an emergency is carried out at once through the executor, within a
 * per-person rate limit counted in the store, with the admins told; its reviewers are reminded before the
 * deadline, and an unreviewed or flagged use goes to the admins. Never the requester reviews, never for MFA.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BreakGlassPolicy, CatalogItem, Policy } from '../../src/domain/policy.ts';
import { isClosed } from '../../src/domain/request.ts';
import { basePolicy, groupItem, T0 } from '../support/fixtures.ts';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(() => h?.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ALICE = 'user-alice@example.com';

const breakGlass: BreakGlassPolicy = {
  maxDurationMs: HOUR,
  reviewers: 'leads',
  reviewWithinMs: 4 * HOUR,
  limit: { uses: 2, perMs: DAY },
};

function policyWith(item: Partial<CatalogItem> = {}): Policy {
  return { ...basePolicy, catalog: [{ ...groupItem, breakGlass, ...item }] };
}

async function start(policy: Policy = policyWith()): Promise<Harness> {
  const harness = await createHarness(policy);
  harness.directory.emails.set('U_DAVE', 'dave@example.com');
  harness.provider.addUser('dave@example.com');
  return harness;
}

const emergency = (requester = 'U_ALICE', extra: { duration?: string; reason?: string; itemId?: string } = {}) =>
  h.service.submit({
    requester,
    itemId: extra.itemId ?? 'cf-admins',
    reason: extra.reason ?? 'prod is down, on-call lead unreachable',
    breakGlass: true,
    ...(extra.duration !== undefined ? { duration: extra.duration } : {}),
  });
const auditOf = (ref: string) => h.audit.records.filter((r) => r.requestRef === ref);
const eventsOf = (ref: string) => auditOf(ref).map((r) => r.event);
const noticesOf = (ref: string, event: string) =>
  h.notifier.notices.filter((n) => n.request.ref === ref && n.event === event);

describe('break-glass', () => {
  it('executes at once, without approval, and tells the reviewers and the admins', async () => {
    h = await start();
    const request = await emergency();
    expect(request.status.state).toBe('approved');
    expect(request.approvals).toEqual([]);
    expect(request.breakGlass).toEqual({ reviewers: 'leads', reviewBy: T0 + 4 * HOUR, review: { state: 'awaiting' } });
    // No duration typed: the break-glass maximum, not the item's 8h.
    expect(request.operation).toEqual({ kind: 'group.add', group: 'admins', durationMs: HOUR });
    await h.settle();
    expect(h.provider.members.get('admins')?.has(ALICE)).toBe(true);
    expect(eventsOf(request.ref)).toEqual(['request.break_glass', 'execution.started', 'execution.completed']);
    expect(auditOf(request.ref)[0]).toMatchObject({
      actor: 'U_ALICE',
      details: {
        item: 'cf-admins',
        reason: 'prod is down, on-call lead unreachable',
        durationMs: HOUR,
        reviewers: 'leads',
        reviewBy: new Date(T0 + 4 * HOUR).toISOString(),
        use: 1,
        rateLimit: { uses: 2, perMs: DAY },
      },
    });
    const [notice] = noticesOf(request.ref, 'request.break_glass');
    expect(notice?.approvers).toEqual(['U_BOB', 'U_CAROL']);
    expect(notice?.admins).toEqual(['U_ADMIN']);
    // Open while its review is awaited, even once the access has ended.
    h.clock.advance(HOUR);
    await h.service.tick();
    await h.settle();
    const ended = await h.service.find(request.ref);
    expect(ended.status.state).toBe('revoked');
    expect(isClosed(ended)).toBe(false);
  });

  it('within the rate limit per person and not beyond, counted in the store across a restart', async () => {
    h = await start();
    expect((await emergency()).status.state).toBe('approved');
    h = await h.restart();
    h.clock.advance(HOUR);
    expect((await emergency()).status.state).toBe('approved');
    await expect(emergency()).rejects.toMatchObject({
      error: {
        code: 'rate_limited',
        message:
          'You already used break-glass on Cloudflare admins 2 times in the last 1d, the most allowed. Nothing was done: ask through the approvers (/iam without Emergency), or call an IAM admin.',
      },
    });
    expect(await h.store.uses.count('break-glass:cf-admins:U_ALICE', h.clock.now(), DAY)).toBe(2);
    // Another person has their own limit; the first use leaves the period a day after it was made.
    expect((await emergency('U_DAVE')).status.state).toBe('approved');
    h.clock.time = T0 + DAY;
    expect((await emergency()).status.state).toBe('approved');
    await h.settle();
    expect(h.audit.records.filter((r) => r.event === 'request.break_glass')).toHaveLength(4);
  });

  it('reminds the reviewers before the deadline, once', async () => {
    h = await start();
    const request = await emergency();
    h.clock.advance(2 * HOUR - 1);
    await h.service.tick();
    expect(eventsOf(request.ref)).not.toContain('break_glass.reminded');
    h.clock.advance(1);
    await h.service.tick();
    await h.service.tick();
    await h.settle();
    expect(eventsOf(request.ref).filter((e) => e === 'break_glass.reminded')).toHaveLength(1);
    expect(noticesOf(request.ref, 'break_glass.reminded')[0]?.approvers).toEqual(['U_BOB', 'U_CAROL']);
  });

  it('escalates to the admins when unreviewed at the deadline, once; a late review is still taken', async () => {
    h = await start();
    const request = await emergency();
    h.clock.advance(4 * HOUR - 1);
    await h.service.tick();
    expect(eventsOf(request.ref)).not.toContain('break_glass.escalated');
    h.clock.advance(1);
    await h.service.tick();
    await h.service.tick();
    await h.settle();
    expect(eventsOf(request.ref).filter((e) => e === 'break_glass.escalated')).toHaveLength(1);
    const [escalated] = noticesOf(request.ref, 'break_glass.escalated');
    expect(escalated?.admins).toEqual(['U_ADMIN']);
    expect((await h.service.find(request.ref)).breakGlass?.review).toMatchObject({
      state: 'awaiting',
      escalatedAt: T0 + 4 * HOUR,
    });
    const late = await h.service.reviewBreakGlass('U_BOB', request.ref, { verdict: 'confirm' });
    expect(late.breakGlass?.review).toEqual({ state: 'confirmed', by: 'U_BOB', at: T0 + 4 * HOUR });
  });

  it('a flag goes to the admins at once, with its reason; nothing more at the deadline', async () => {
    h = await start();
    const request = await emergency();
    await expect(h.service.reviewBreakGlass('U_BOB', request.ref, { verdict: 'flag', reason: ' ' })).rejects.toThrow(
      /needs a reason/,
    );
    const flagged = await h.service.reviewBreakGlass('U_BOB', request.ref, {
      verdict: 'flag',
      reason: 'no incident on record',
    });
    expect(flagged.breakGlass?.review).toEqual({
      state: 'flagged',
      by: 'U_BOB',
      at: T0,
      reason: 'no incident on record',
    });
    await h.settle();
    const [notice] = noticesOf(request.ref, 'break_glass.flagged');
    expect(notice?.admins).toEqual(['U_ADMIN']);
    expect(auditOf(request.ref).find((r) => r.event === 'break_glass.flagged')).toMatchObject({
      actor: 'U_BOB',
      details: { reviewers: 'leads', reason: 'no incident on record' },
    });
    h.clock.advance(4 * HOUR);
    await h.service.tick();
    await h.settle();
    expect(eventsOf(request.ref)).not.toContain('break_glass.escalated');
    expect(eventsOf(request.ref)).not.toContain('break_glass.reminded');
  });

  it('a confirmation closes the review: no reminder, no escalation; closed once the access ended', async () => {
    h = await start();
    const request = await emergency();
    await h.settle();
    const confirmed = await h.service.reviewBreakGlass('U_CAROL', request.ref, { verdict: 'confirm' });
    expect(confirmed.breakGlass?.review).toEqual({ state: 'confirmed', by: 'U_CAROL', at: T0 });
    h.clock.advance(4 * HOUR);
    await h.service.tick();
    await h.settle();
    expect(eventsOf(request.ref)).toEqual([
      'request.break_glass',
      'execution.started',
      'execution.completed',
      'break_glass.confirmed',
      'revoke.started',
      'revoke.completed',
    ]);
    expect(isClosed(await h.service.find(request.ref))).toBe(true);
  });

  it('the requester cannot review it; only a reviewer, and only once; a stale click is explained', async () => {
    // Alice is one of the reviewers, yet never of her own emergency.
    h = await start({
      ...policyWith(),
      sets: {
        ...basePolicy.sets,
        leads: { name: 'leads', users: ['U_ALICE', 'U_BOB', 'U_CAROL'], usergroups: [], manager: false },
      },
    });
    const request = await emergency();
    await expect(h.service.reviewBreakGlass('U_ALICE', request.ref, { verdict: 'confirm' })).rejects.toMatchObject({
      error: { code: 'not_allowed', reason: 'self_review' },
    });
    expect(await h.service.staleBreakGlassReview('U_ALICE', request.ref)).toMatchObject({ reason: 'self_review' });
    await expect(h.service.reviewBreakGlass('U_DAVE', request.ref, { verdict: 'confirm' })).rejects.toMatchObject({
      error: { code: 'not_allowed', reason: 'not_a_reviewer' },
    });
    await h.service.reviewBreakGlass('U_BOB', request.ref, { verdict: 'confirm' });
    await expect(
      h.service.reviewBreakGlass('U_CAROL', request.ref, { verdict: 'flag', reason: 'too late' }),
    ).rejects.toMatchObject({ error: { code: 'already_decided' } });
    expect(await h.service.staleBreakGlassReview('U_CAROL', request.ref)).toMatchObject({ code: 'already_decided' });
    await h.settle();
    expect(eventsOf(request.ref).filter((e) => e.startsWith('break_glass.'))).toEqual(['break_glass.confirmed']);
    // The notice asked the others only.
    expect(noticesOf(request.ref, 'request.break_glass')[0]?.approvers).toEqual(['U_BOB', 'U_CAROL']);
  });

  it('never for MFA resets, nor an item that does not allow it; the reason and the cap are checked first', async () => {
    const mfa: CatalogItem = {
      id: 'cf-mfa',
      title: 'Reset my MFA',
      provider: 'cf',
      kind: 'mfa.reset',
      stages: [{ set: 'leads', quorum: 1 }],
      requireReason: false,
      breakGlass,
    };
    h = await start({ ...policyWith(), catalog: [{ ...groupItem, breakGlass }, mfa, { ...groupItem, id: 'plain' }] });
    await expect(emergency('U_ALICE', { itemId: 'cf-mfa' })).rejects.toMatchObject({
      error: { code: 'not_allowed', reason: 'no_break_glass', field: 'item' },
    });
    await expect(emergency('U_ALICE', { itemId: 'plain' })).rejects.toMatchObject({
      error: { reason: 'no_break_glass' },
    });
    await expect(emergency('U_ALICE', { reason: '  ' })).rejects.toMatchObject({ error: { field: 'reason' } });
    await expect(emergency('U_ALICE', { duration: '2h' })).rejects.toMatchObject({
      error: {
        field: 'duration',
        message: 'Break-glass access to Cloudflare admins lasts at most 1h; ask through the approvers for longer.',
      },
    });
    expect(h.service.check({ requester: 'U_ALICE', itemId: 'cf-mfa', reason: 'x', breakGlass: true })).toMatchObject({
      reason: 'no_break_glass',
    });
    await h.settle();
    expect(h.audit.records).toEqual([]);
    expect(await h.store.uses.count('break-glass:cf-mfa:U_ALICE', T0, DAY)).toBe(0);
    expect(await h.store.uses.count('break-glass:cf-admins:U_ALICE', T0, DAY)).toBe(0);
  });

  it('refused when nobody but the requester could review it', async () => {
    h = await start({
      ...policyWith(),
      sets: { ...basePolicy.sets, solo: { name: 'solo', users: ['U_ALICE'], usergroups: [], manager: false } },
      catalog: [{ ...groupItem, breakGlass: { ...breakGlass, reviewers: 'solo' } }],
    });
    await expect(emergency()).rejects.toMatchObject({ error: { reason: 'no_break_glass', field: 'item' } });
    expect(await h.store.uses.count('break-glass:cf-admins:U_ALICE', T0, DAY)).toBe(0);
  });
});
