/**
 * Access reviews with the fake clock (issue 14 item 3): a review lists the group's members through the
 * provider (granted by the bot or not), removes exactly the members marked — through group.remove requests
 * the executor carries out and reads back — keeps the rest, reports the undecided and never removes them;
 * only the group's reviewers decide, once per member, never on themselves; reminders before the deadline;
 * the deadline closes it; a removal decided just before a crash is still carried out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowFailure } from '../../src/domain/errors.ts';
import type { Policy } from '../../src/domain/policy.ts';
import { ProviderError } from '../../src/workflow/ports.ts';
import { apply, basePolicy, T0 } from '../support/fixtures.ts';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(() => h?.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const policy: Policy = {
  ...basePolicy,
  sets: { ...basePolicy.sets, leads: { name: 'leads', users: ['U_BOB', 'U_CAROL'], usergroups: [], manager: false } },
  reviews: [{ itemId: 'cf-admins', reviewers: 'leads', deadlineMs: 7 * DAY, remindAfterMs: 3 * DAY }],
};

/** The group `admins` holds six people nobody granted through the bot, and Bob (a reviewer) himself. */
async function start(p: Policy = policy): Promise<Harness> {
  const harness = await createHarness(p);
  const group = new Set<string>();
  for (const n of [1, 2, 3, 4, 5, 6]) group.add(harness.provider.addUser(`m${n}@example.com`, `id-m${n}`).id);
  harness.directory.emails.set('U_BOB', 'bob@example.com');
  group.add(harness.provider.addUser('bob@example.com', 'id-bob').id);
  harness.provider.members.set('admins', group);
  return harness;
}

const indexOf = (review: { members: readonly { id: string }[] }, id: string) => {
  const i = review.members.findIndex((m) => m.id === id);
  if (i < 0) throw new Error(`no member ${id}`);
  return i;
};

async function started() {
  const asked = await h.reviews.request('cf-admins', 'U_ADMIN');
  await h.reviews.tick();
  await h.settle();
  return h.reviews.get(asked.id);
}

async function refusal(action: Promise<unknown>) {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailure);
  return (error as WorkflowFailure).error;
}

const members = () => [...(h.provider.members.get('admins') ?? [])].sort();

describe('access reviews', () => {
  it('remove exactly the members marked, keep the rest, and report the undecided at the deadline without removing them', async () => {
    h = await start();
    const review = await started();
    expect(review.status.state).toBe('open');
    expect(review.members.map((m) => m.id).sort()).toEqual(
      ['id-bob', 'id-m1', 'id-m2', 'id-m3', 'id-m4', 'id-m5', 'id-m6'].sort(),
    );
    expect(h.notifier.reviews.map((n) => n.event)).toEqual(['review.started']);

    const decide = (actor: string, id: string, verdict: 'keep' | 'remove') =>
      h.reviews.decide(actor, review.id, indexOf(review, id), verdict);
    await decide('U_BOB', 'id-m1', 'keep');
    await decide('U_BOB', 'id-m2', 'keep');
    await decide('U_BOB', 'id-m3', 'remove');
    await decide('U_CAROL', 'id-m4', 'remove');
    await decide('U_CAROL', 'id-bob', 'remove');
    await decide('U_CAROL', 'id-m5', 'keep');
    await h.settle();
    // m6 is decided by nobody.
    expect(members()).toEqual(['id-m1', 'id-m2', 'id-m5', 'id-m6']);

    const removals = (await h.store.list()).filter((r) => r.operation.kind === 'group.remove');
    expect(removals.map((r) => [r.target?.id, r.status.state, r.requester]).sort()).toEqual([
      ['id-bob', 'completed', 'U_CAROL'],
      ['id-m3', 'completed', 'U_BOB'],
      ['id-m4', 'completed', 'U_CAROL'],
    ]);
    for (const r of removals) {
      const s = r.status;
      expect(s.state === 'completed' && s.outcome.verified?.[0]?.observed).toBeTruthy();
    }

    h.clock.advance(7 * DAY);
    await h.reviews.tick();
    await h.settle();
    const closed = await h.reviews.get(review.id);
    expect(closed.status.state).toBe('closed');
    expect(members()).toEqual(['id-m1', 'id-m2', 'id-m5', 'id-m6']);
    const close = h.notifier.reviews.find((n) => n.event === 'review.closed');
    expect(close?.people).toEqual(['U_ADMIN']);
    const audit = h.audit.records.find((r) => r.event === 'review.closed');
    expect(audit?.details).toMatchObject({
      kept: 3,
      removed: 3,
      undecided: 1,
      undecidedMembers: [{ id: 'id-m6', name: 'm6@example.com' }],
    });
    expect(h.audit.records.filter((r) => r.event === 'review.decided')).toHaveLength(6);
    expect(
      h.audit.records.filter((r) => r.event === 'request.approved' && r.details.review === review.ref),
    ).toHaveLength(3);
    // Closed: no decision counts any more.
    expect((await refusal(decide('U_BOB', 'id-m6', 'remove'))).code).toBe('already_decided');
    expect(members()).toContain('id-m6');
  });

  it("a removal ends the member's timed grant of the group at once: no longer running, closed through its revoke, the holder told", async () => {
    h = await start();
    const grant = await h.service.submit({
      requester: 'U_ALICE',
      itemId: 'cf-admins',
      reason: 'incident',
      duration: '8h',
    });
    await h.service.approve('U_BOB', grant.ref);
    await h.settle();
    expect((await h.store.get(grant.id))?.status.state).toBe('completed');
    const alice = [...(h.provider.members.get('admins') ?? [])].find((id) => !id.startsWith('id-'));
    expect(alice).toBeDefined();
    const review = await started();
    await h.reviews.decide('U_CAROL', review.id, indexOf(review, alice!), 'remove');
    await h.settle();

    const removal = (await h.store.list()).find((r) => r.operation.kind === 'group.remove' && r.target?.id === alice);
    expect(removal?.status.state).toBe('completed');
    const ended = await h.store.get(grant.id);
    expect(ended?.status.state).toBe('revoked');
    expect(members()).not.toContain(alice);
    const started_ = h.audit.records.filter((r) => r.requestId === grant.id && r.event === 'revoke.started');
    expect(started_.map((r) => r.details)).toEqual([{ trigger: 'removed', removal: removal?.ref }]);
    expect(h.notifier.events(grant.ref)).toEqual(expect.arrayContaining(['revoke.started', 'revoke.completed']));
    // Nothing is added back, and the grant's end, hours later, changes nothing.
    h.clock.advance(9 * HOUR);
    await h.service.tick();
    await h.settle();
    expect(members()).not.toContain(alice);
    expect(h.audit.records.filter((r) => r.requestId === grant.id && r.event === 'revoke.started')).toHaveLength(1);
  });

  it("a removal ends only the removed member's grants of that group: another group's, and another person's of the same group, run on", async () => {
    const ops = { ...policy.catalog[0]!, id: 'cf-ops', title: 'Cloudflare ops', group: 'ops' };
    h = await start({ ...policy, catalog: [...policy.catalog, ops] });
    h.directory.emails.set('U_DAVE', 'dave@example.com');
    const dave = h.provider.addUser('dave@example.com', 'id-dave').id;
    const grant = (requester: string, itemId: string) =>
      h.service.submit({ requester, itemId, reason: 'incident', duration: '8h' }).then(async (r) => {
        await h.service.approve('U_BOB', r.ref);
        return r;
      });
    const alicesAdmins = await grant('U_ALICE', 'cf-admins');
    const alicesOps = await grant('U_ALICE', 'cf-ops');
    const davesAdmins = await grant('U_DAVE', 'cf-admins');
    await h.settle();
    const alice = [...(h.provider.members.get('ops') ?? [])][0]!;
    const review = await started();
    await h.reviews.decide('U_CAROL', review.id, indexOf(review, alice), 'remove');
    await h.settle();
    const state = async (r: { id: string }) => (await h.store.get(r.id))?.status.state;
    expect(await state(alicesAdmins)).toBe('revoked');
    expect(await state(alicesOps)).toBe('completed');
    expect(await state(davesAdmins)).toBe('completed');
    expect(members()).toContain(dave);
    expect(h.provider.members.get('ops')).toContain(alice);
  });

  it('the revoke of a grant a review ended, run late (a provider that was down), keeps access granted again meanwhile', async () => {
    h = await start();
    const first = await h.service.submit({
      requester: 'U_ALICE',
      itemId: 'cf-admins',
      reason: 'incident',
      duration: '8h',
    });
    await h.service.approve('U_BOB', first.ref);
    await h.settle();
    const alice = [...(h.provider.members.get('admins') ?? [])].find((id) => !id.startsWith('id-'))!;
    // A review's removal ended the grant, and took Alice out; the grant's own revoke has not run yet.
    const granted = (await h.store.get(first.id))!;
    const ended = apply(granted, { type: 'revoke', trigger: 'removed', removal: 'REQ-0099' }, h.clock.now());
    await h.store.commit({ request: ended, expectedVersion: granted.version, audit: [], notices: [] });
    h.provider.members.get('admins')?.delete(alice);
    h.clock.advance(HOUR);
    // Alice asks again and is granted; the old grant's revoke, run only now, must not take that away.
    const again = await h.service.submit({
      requester: 'U_ALICE',
      itemId: 'cf-admins',
      reason: 'back on call',
      duration: '2h',
    });
    await h.service.approve('U_CAROL', again.ref);
    await h.settle();
    expect((await h.store.get(again.id))?.status.state).toBe('completed');
    const closed = await h.store.get(first.id);
    expect(closed?.status.state === 'revoked' && closed.status.outcome.summary).toBe(
      `membership kept: ${again.ref} granted it again after the access review`,
    );
    expect(members()).toContain(alice);
  });

  it('only the reviewers decide, once per member, never on their own membership; a refused click changes nothing', async () => {
    h = await start();
    const review = await started();
    const bob = indexOf(review, 'id-bob');
    expect(review.members[bob]?.reviewers).toEqual(['U_CAROL']);
    expect((await refusal(h.reviews.decide('U_BOB', review.id, bob, 'keep'))).reason).toBe('self_approval');
    expect((await refusal(h.reviews.decide('U_ALICE', review.id, indexOf(review, 'id-m1'), 'remove'))).reason).toBe(
      'not_an_approver',
    );
    await h.reviews.decide('U_CAROL', review.id, indexOf(review, 'id-m1'), 'remove');
    const again = await refusal(h.reviews.decide('U_BOB', review.id, indexOf(review, 'id-m1'), 'keep'));
    expect(again.code).toBe('already_decided');
    expect(again.message).toContain('remove');
    expect((await refusal(h.reviews.decide('U_CAROL', review.id, 999, 'remove'))).code).toBe('not_found');
    await h.settle();
    const removals = (await h.store.list()).filter((r) => r.operation.kind === 'group.remove');
    expect(removals).toHaveLength(1);
    expect(members()).not.toContain('id-m1');
    expect(members()).toContain('id-bob');
    const decided = (await h.reviews.get(review.id)).members.filter((m) => m.decision);
    expect(decided.map((m) => m.id)).toEqual(['id-m1']);
    // A reviewer taken out of the set since the start decides nothing.
    (policy.sets.leads as unknown as { users: string[] }).users = ['U_BOB'];
    try {
      const left = await refusal(h.reviews.decide('U_CAROL', review.id, indexOf(review, 'id-m2'), 'remove'));
      expect(left.reason).toBe('not_an_approver');
    } finally {
      (policy.sets.leads as unknown as { users: string[] }).users = ['U_BOB', 'U_CAROL'];
    }
    expect(members()).toContain('id-m2');
  });

  it('remind the reviewers with members left, once, before the deadline; the deadline closes it', async () => {
    h = await start();
    const review = await started();
    // Bob decides everything he may; Carol nothing.
    for (const m of review.members)
      if (m.reviewers.includes('U_BOB')) await h.reviews.decide('U_BOB', review.id, indexOf(review, m.id), 'keep');
    h.clock.advance(3 * DAY - 1);
    await h.reviews.tick();
    expect(h.notifier.reviews.map((n) => n.event)).not.toContain('review.reminded');
    // Bob decided all of his: only Carol is left, and only she is reminded.
    h.clock.advance(1);
    await h.reviews.tick();
    await h.settle();
    const reminded = h.notifier.reviews.filter((n) => n.event === 'review.reminded');
    expect(reminded.map((n) => n.people)).toEqual([['U_CAROL']]);
    await h.reviews.tick();
    await h.settle();
    expect(h.notifier.reviews.filter((n) => n.event === 'review.reminded')).toHaveLength(1);
    h.clock.advance(4 * DAY - 1);
    await h.reviews.tick();
    expect((await h.reviews.get(review.id)).status.state).toBe('open');
    h.clock.advance(1);
    await h.reviews.tick();
    await h.settle();
    expect((await h.reviews.get(review.id)).status.state).toBe('closed');
    // Bob's own membership was Carol's to decide: undecided, left in the group.
    expect(members()).toContain('id-bob');
    expect(await h.store.reviews.open()).toEqual([]);
  });

  it('a removal decided just before a crash is still carried out, once', async () => {
    h = await start();
    const review = await started();
    const commit = h.store.commit.bind(h.store);
    let failOnce = true;
    h.store.commit = async (change) => {
      if (failOnce && change.request.operation.kind === 'group.remove') {
        failOnce = false;
        throw new Error('disk full');
      }
      return commit(change);
    };
    await expect(h.reviews.decide('U_BOB', review.id, indexOf(review, 'id-m2'), 'remove')).rejects.toThrow('disk full');
    expect(await h.store.list()).toEqual([]);
    h.store.commit = commit;
    h = await h.reopen();
    await h.reviews.tick();
    await h.settle();
    await h.reviews.tick();
    await h.settle();
    const removals = (await h.store.list()).filter((r) => r.operation.kind === 'group.remove');
    expect(removals).toHaveLength(1);
    expect(removals[0]?.status.state).toBe('completed');
    expect(members()).not.toContain('id-m2');
  });

  it('a group the provider cannot list starts nothing; a provider that is down is tried again at the next tick', async () => {
    h = await start();
    h.provider.faults.set('listMembers', new ProviderError('unavailable', 'down for maintenance'));
    const asked = await h.reviews.request('cf-admins', 'U_ADMIN');
    await h.reviews.tick();
    expect((await h.reviews.get(asked.id)).status.state).toBe('requested');
    await h.reviews.tick();
    expect((await h.reviews.get(asked.id)).status.state).toBe('open');

    const h2 = await start();
    h2.provider.faults.set('listMembers', new ProviderError('not_found', 'no group admins'));
    const failed = await h2.reviews.request('cf-admins', 'U_ADMIN');
    await h2.reviews.tick();
    await h2.settle();
    const s = (await h2.reviews.get(failed.id)).status;
    expect(s.state === 'failed' && s.problem).toContain('not_found');
    expect(h2.notifier.reviews.map((n) => n.event)).toEqual(['review.failed']);
    await h2.close();
  });

  it('one open review of an item at a time; an item the policy does not review is refused', async () => {
    h = await start();
    await h.reviews.request('cf-admins', 'U_ADMIN');
    expect((await refusal(h.reviews.request('cf-admins', 'U_ADMIN'))).code).toBe('conflict');
    expect((await refusal(h.reviews.request('nope', 'U_ADMIN'))).message).toContain('reviewed items: cf-admins');
  });

  it('the schedule starts a review when none ran, and the next one `every` after the last began', async () => {
    h = await start({
      ...policy,
      reviews: [{ ...policy.reviews![0]!, deadlineMs: DAY, remindAfterMs: HOUR, everyMs: 30 * DAY }],
    });
    await h.reviews.tick();
    let all = await h.store.reviews.list();
    expect(all.map((r) => [r.requestedBy, r.status.state])).toEqual([['schedule', 'open']]);
    h.clock.advance(2 * DAY);
    await h.reviews.tick();
    await h.reviews.tick();
    all = await h.store.reviews.list();
    expect(all.map((r) => r.status.state)).toEqual(['closed']);
    h.clock.advance(28 * DAY - 1);
    await h.reviews.tick();
    expect(await h.store.reviews.list()).toHaveLength(1);
    h.clock.advance(1);
    await h.reviews.tick();
    all = await h.store.reviews.list();
    expect(all.map((r) => r.status.state)).toEqual(['closed', 'open']);
    expect(all[1]?.createdAt).toBe(T0 + 30 * DAY);
  });
});
