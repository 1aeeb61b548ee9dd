/**
 * Auto-approval rules with the fake clock: a rule passes the first stage at once within its conditions
 * and its cap per person and period, counted in the store (so a restart forgets nothing), and never a
 * later stage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AutoApproveRule, CatalogItem, Policy } from '../../src/domain/policy.ts';
import { WEEKDAYS } from '../../src/domain/policy.ts';
import { basePolicy, groupItem, T0 } from '../support/fixtures.ts';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(() => h?.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ALICE = 'user-alice@example.com';

/** T0 is Saturday 21 November 2026, 09:00 UTC: inside 08:00–20:00 UTC every day. */
const onCall: AutoApproveRule = {
  name: 'on-call',
  requesters: ['engineers'],
  maxDurationMs: 2 * HOUR,
  window: { days: WEEKDAYS, fromMinute: 8 * 60, toMinute: 20 * 60, timezone: 'UTC' },
  cap: { uses: 2, perMs: DAY },
};

async function start(policy: Policy): Promise<Harness> {
  const harness = await createHarness(policy);
  for (const person of ['dave', 'erin'])
    harness.directory.emails.set(`U_${person.toUpperCase()}`, `${person}@example.com`);
  return harness;
}

function policyWith(item: Partial<CatalogItem>): Policy {
  return {
    ...basePolicy,
    sets: {
      ...basePolicy.sets,
      engineers: { name: 'engineers', users: ['U_ALICE', 'U_DAVE'], usergroups: [], manager: false },
    },
    catalog: [{ ...groupItem, autoApprove: [onCall], ...item }],
  };
}

const ask = (duration = '1h', requester = 'U_ALICE') =>
  h.service.submit({ requester, itemId: 'cf-admins', reason: 'incident', duration });
const auditOf = (ref: string) => h.audit.records.filter((r) => r.requestRef === ref);

describe('auto-approval rules', () => {
  it('approve at once within the cap per person and period, and not beyond — across a restart', async () => {
    h = await start(policyWith({}));
    const first = await ask();
    expect(first.status.state).toBe('approved');
    expect(first.approvals).toEqual([{ stage: 0, by: 'system', at: T0, rule: 'on-call' }]);
    await h.settle();
    expect(h.provider.members.get('admins')?.has(ALICE)).toBe(true);
    expect(auditOf(first.ref).map((r) => r.event)).toEqual([
      'request.submitted',
      'request.auto_approved',
      'execution.started',
      'execution.completed',
    ]);
    expect(auditOf(first.ref)[1]).toMatchObject({
      actor: 'system',
      details: { rule: 'on-call', stage: 1, set: 'leads', use: 1, cap: { uses: 2, perMs: DAY } },
    });
    // Nobody was asked to decide a stage the rule decided.
    expect(
      h.notifier.notices.find((n) => n.request.id === first.id && n.event === 'request.submitted')?.approvers,
    ).toEqual([]);

    h = await h.restart();
    h.clock.advance(HOUR);
    expect((await ask()).status.state).toBe('approved');
    const third = await ask();
    expect(third.status).toMatchObject({ state: 'pending', stage: 0 });
    expect(third.approvals).toEqual([]);
    await h.settle();
    expect(auditOf(third.ref)[0]?.details.autoApproval).toEqual([
      { rule: 'on-call', applied: false, why: 'its cap is reached: 2 uses per person per 1d' },
    ]);
    expect(h.notifier.notices.find((n) => n.request.id === third.id)?.approvers).toEqual(['U_BOB', 'U_CAROL']);
    // Another person has their own cap.
    expect((await ask('1h', 'U_DAVE')).status.state).toBe('approved');
    // The first use leaves the period a day after it was made.
    h.clock.time = T0 + DAY;
    expect((await ask()).status.state).toBe('approved');
  });

  it('apply only when every condition holds: who, how long, and when in the stated time zone', async () => {
    h = await start(policyWith({}));
    const tooLong = await ask('3h');
    expect(tooLong.status.state).toBe('pending');
    expect(auditOf(tooLong.ref)[0]?.details.autoApproval).toEqual([
      { rule: 'on-call', applied: false, why: '3h is longer than its 2h' },
    ]);
    expect((await ask('1h', 'U_ERIN')).status.state).toBe('pending');
    h.clock.time = T0 + 11 * HOUR; // 20:00 UTC: the window has closed
    expect((await ask()).status.state).toBe('pending');
    h.clock.time = T0 + 23 * HOUR; // 08:00 UTC on Sunday
    expect((await ask()).status.state).toBe('approved');
  });

  it('reads the window in its own time zone, not the server’s', async () => {
    // 09:00 UTC is 18:00 in Tokyo: past a 09:00–17:00 Tokyo window.
    const tokyo = {
      ...onCall,
      window: { ...onCall.window!, fromMinute: 9 * 60, toMinute: 17 * 60, timezone: 'Asia/Tokyo' },
    };
    h = await start(policyWith({ autoApprove: [tokyo] }));
    expect((await ask()).status.state).toBe('pending');
    h.clock.time = T0 - 2 * HOUR; // 16:00 in Tokyo
    expect((await ask()).status.state).toBe('approved');
  });

  it('pass the first stage only: a later stage still needs a person, asked at once', async () => {
    h = await start(
      policyWith({
        stages: [
          { set: 'leads', quorum: 2 },
          { set: 'admins', quorum: 1 },
        ],
      }),
    );
    const request = await ask();
    expect(request.status).toMatchObject({ state: 'pending', stage: 1 });
    await h.settle();
    const ruled = h.notifier.notices.find((n) => n.request.id === request.id && n.event === 'request.auto_approved');
    expect(ruled?.approvers).toEqual(['U_ADMIN']);
    expect(h.provider.members.get('admins')?.has(ALICE) ?? false).toBe(false);
    const done = await h.service.approve('U_ADMIN', request.ref, 1);
    expect(done.status.state).toBe('approved');
    expect(done.approvals.map((a) => a.rule ?? a.by)).toEqual(['on-call', 'U_ADMIN']);
  });

  it('a rule whose later stages nobody could approve is refused like any such request, spending no use', async () => {
    h = await start(
      policyWith({
        stages: [
          { set: 'leads', quorum: 1 },
          { set: 'ghosts', quorum: 1 },
        ],
      }),
    );
    await expect(ask()).rejects.toThrow(/stage 2 \(ghosts\)/);
    expect(await h.store.uses.count('rule:cf-admins:on-call:U_ALICE', T0, DAY)).toBe(0);
  });
});
