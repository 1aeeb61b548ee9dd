import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowFailure } from '../../src/domain/errors.ts';
import type { Policy } from '../../src/domain/policy.ts';
import { ProviderError } from '../../src/workflow/ports.ts';
import { apply, basePolicy, groupItem } from '../support/fixtures.ts';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(() => h?.close());

const submitGroup = (over: { duration?: string; requester?: string } = {}) =>
  h.service.submit({
    requester: over.requester ?? 'U_ALICE',
    itemId: 'cf-admins',
    reason: 'incident 42',
    duration: over.duration ?? '1h',
  });

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a refusal').toBeInstanceOf(WorkflowFailure);
  return (error as WorkflowFailure).error;
}

describe('workflow', () => {
  it('runs a group grant from submission to membership, auditing and notifying every step', async () => {
    h = await createHarness();
    const request = await submitGroup();
    expect(h.notifier.notices[0]).toMatchObject({ event: 'request.submitted', approvers: ['U_BOB', 'U_CAROL'] });
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    const done = await h.service.find(request.ref);
    expect(done.status).toMatchObject({ state: 'completed', grantExpiresAt: h.clock.now() + 3_600_000 });
    expect(h.provider.members.get('admins')?.has('user-alice@example.com')).toBe(true);
    const events = ['request.submitted', 'request.approved', 'execution.started', 'execution.completed'];
    expect(h.audit.records.map((r) => r.event)).toEqual(events);
    expect(h.notifier.events(request.ref)).toEqual(events);
    expect(h.audit.records[3]?.details).toMatchObject({ providerRequestId: expect.stringMatching(/^req-add-/) });
    expect(await h.store.pendingAudit()).toEqual([]);
  });

  it('refuses self-approval', async () => {
    const policy: Policy = {
      ...basePolicy,
      sets: { ...basePolicy.sets, leads: { ...basePolicy.sets.leads!, users: ['U_ALICE', 'U_BOB'] } },
    };
    h = await createHarness(policy);
    const request = await submitGroup();
    expect(await refusal(h.service.approve('U_ALICE', request.ref))).toMatchObject({
      code: 'not_allowed',
      reason: 'self_approval',
    });
    expect((await h.service.find(request.ref)).status.state).toBe('pending');
  });

  it('with quorum 2, the same approver clicking twice leaves it pending', async () => {
    const policy: Policy = { ...basePolicy, catalog: [{ ...groupItem, stages: [{ set: 'leads', quorum: 2 }] }] };
    h = await createHarness(policy);
    const request = await submitGroup();
    await h.service.approve('U_BOB', request.ref);
    expect(await refusal(h.service.approve('U_BOB', request.ref))).toMatchObject({ reason: 'already_approved' });
    expect((await h.service.find(request.ref)).status.state).toBe('pending');
    await h.service.approve('U_CAROL', request.ref);
    expect((await h.service.find(request.ref)).status.state).not.toBe('pending');
  });

  it('re-checks membership at the click: an approver removed from the set is refused', async () => {
    const policy: Policy = {
      ...basePolicy,
      sets: { ...basePolicy.sets, leads: { name: 'leads', users: [], usergroups: ['S_PLATFORM'], manager: false } },
    };
    h = await createHarness(policy);
    h.directory.usergroups.set('S_PLATFORM', new Set(['U_BOB']));
    const request = await submitGroup();
    expect(h.notifier.notices[0]?.approvers).toEqual(['U_BOB']);
    h.directory.usergroups.get('S_PLATFORM')?.delete('U_BOB');
    expect(await refusal(h.service.approve('U_BOB', request.ref))).toMatchObject({
      code: 'not_allowed',
      reason: 'not_an_approver',
    });
  });

  it("asks the requester's manager, then the next stage", async () => {
    const policy: Policy = {
      ...basePolicy,
      catalog: [
        {
          ...groupItem,
          stages: [
            { set: 'managers', quorum: 1 },
            { set: 'leads', quorum: 1 },
          ],
        },
      ],
    };
    h = await createHarness(policy);
    const request = await submitGroup();
    expect(h.notifier.notices[0]?.approvers).toEqual(['U_MANAGER']);
    expect(await refusal(h.service.approve('U_BOB', request.ref))).toMatchObject({ reason: 'not_an_approver' });
    await h.service.approve('U_MANAGER', request.ref);
    await h.settle();
    expect(h.notifier.notices.at(-1)).toMatchObject({ event: 'request.stage_passed', approvers: ['U_BOB', 'U_CAROL'] });
    await h.service.approve('U_CAROL', request.ref);
    await h.settle();
    expect((await h.service.find(request.ref)).status.state).toBe('completed');
  });

  it('refuses a denial without a reason and records one with it', async () => {
    h = await createHarness();
    const request = await submitGroup();
    expect(await refusal(h.service.deny('U_BOB', request.ref, ' '))).toMatchObject({ code: 'invalid_input' });
    await h.service.deny('U_BOB', request.ref, 'use the read-only group');
    expect((await h.service.find(request.ref)).status).toMatchObject({
      state: 'denied',
      by: 'U_BOB',
      reason: 'use the read-only group',
    });
    expect(await refusal(h.service.approve('U_CAROL', request.ref))).toMatchObject({ code: 'already_decided' });
  });

  it('refuses a duration above maxDuration and an unparseable one', async () => {
    h = await createHarness();
    expect(await refusal(submitGroup({ duration: '9h' }))).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('8h'),
    });
    expect(await refusal(submitGroup({ duration: 'a while' }))).toMatchObject({ code: 'invalid_input' });
    expect(await h.store.list()).toEqual([]);
  });

  it('expires a pending request on tick after its TTL, and refuses clicks after that', async () => {
    h = await createHarness();
    const request = await submitGroup();
    h.clock.advance(basePolicy.requests.pendingTtlMs - 1);
    await h.service.tick();
    expect((await h.service.find(request.ref)).status.state).toBe('pending');
    h.clock.advance(1);
    await h.service.tick();
    expect((await h.service.find(request.ref)).status.state).toBe('expired');
    expect(await refusal(h.service.approve('U_BOB', request.ref))).toMatchObject({ code: 'already_decided' });
    expect(h.audit.records.map((r) => r.event)).toContain('request.expired');
  });

  it('gives one transition and one execution for two approvals at once', async () => {
    h = await createHarness();
    const request = await submitGroup();
    const results = await Promise.allSettled([
      h.service.approve('U_BOB', request.ref),
      h.service.approve('U_CAROL', request.ref),
    ]);
    await h.settle();
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason.error.code).toBe('already_decided');
    expect(h.provider.calls.filter((c) => c === 'addMember')).toHaveLength(1);
    expect(h.audit.records.filter((r) => r.event === 'request.approved')).toHaveLength(1);
    expect(h.audit.records.filter((r) => r.event === 'execution.started')).toHaveLength(1);
  });

  it('fails with the provider error kind, and only an admin may retry', async () => {
    h = await createHarness();
    h.provider.faults.set(
      'addMember',
      new ProviderError('forbidden', 'token lacks IAM write', { providerRequestId: 'cf-ray-1' }),
    );
    const request = await submitGroup();
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    expect((await h.service.find(request.ref)).status).toMatchObject({
      state: 'failed',
      step: 'execute',
      error: { kind: 'forbidden', message: 'token lacks IAM write', providerRequestId: 'cf-ray-1' },
    });
    expect(await refusal(h.service.retry('U_BOB', request.ref))).toMatchObject({ reason: 'not_an_admin' });
    await h.service.retry('U_ADMIN', request.ref);
    await h.settle();
    expect((await h.service.find(request.ref)).status.state).toBe('completed');
    expect(h.audit.records.filter((r) => r.event === 'request.retried')).toHaveLength(1);
  });

  it('fails clearly when the requester has no account on the provider', async () => {
    h = await createHarness();
    h.directory.emails.set('U_DAVE', 'dave@example.com');
    const request = await submitGroup({ requester: 'U_DAVE' });
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    expect((await h.service.find(request.ref)).status).toMatchObject({ state: 'failed', error: { kind: 'not_found' } });
  });

  it('acts on the account the approvers saw, even when the requester changes their Slack email after submitting', async () => {
    h = await createHarness();
    const request = await submitGroup({ duration: '1h' });
    expect(request.target).toEqual({ principal: 'alice@example.com', rule: 'email', email: 'alice@example.com' });
    h.directory.emails.set('U_ALICE', 'someone-else@example.com');
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    expect((await h.service.find(request.ref)).status).toMatchObject({
      state: 'completed',
      outcome: { summary: 'added alice@example.com to admins' },
    });
    expect(h.audit.records.find((r) => r.event === 'request.submitted')?.details.target).toEqual(request.target);
  });

  it('revokes a timed grant when it ends, not before', async () => {
    h = await createHarness();
    const request = await submitGroup({ duration: '1h' });
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    h.clock.advance(3_600_000 - 1);
    await h.service.tick();
    await h.settle();
    expect(h.provider.members.get('admins')?.size).toBe(1);
    h.clock.advance(1);
    await h.service.tick();
    await h.settle();
    expect(h.provider.members.get('admins')?.size).toBe(0);
    expect((await h.service.find(request.ref)).status.state).toBe('revoked');
    expect(await h.store.openRequests()).toEqual([]);
  });

  it('resumes an execution a crash interrupted, without doing it twice', async () => {
    h = await createHarness();
    const request = await submitGroup();
    // On disk after a crash mid-step: approved and started, the provider call's fate unknown.
    const approved = apply(request, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 });
    const executing = apply(approved, { type: 'start' });
    await h.store.commit({ request: approved, expectedVersion: request.version, audit: [] });
    await h.store.commit({ request: executing, expectedVersion: approved.version, audit: [] });
    // The lost attempt did reach the provider.
    h.provider.members.set('admins', new Set(['user-alice@example.com']));
    h = await h.restart();
    h.executor.recover();
    await h.settle();
    expect((await h.service.find(request.ref)).status).toMatchObject({
      state: 'completed',
      outcome: { summary: expect.stringContaining('already in') },
    });
    expect(h.provider.calls).not.toContain('addMember');
    expect(h.audit.records.find((r) => r.event === 'execution.started')?.details).toEqual({ resumed: true });
  });

  it('limits how many requests one person may submit per window', async () => {
    const policy: Policy = {
      ...basePolicy,
      requests: { ...basePolicy.requests, submissionLimit: { count: 2, windowMs: 60_000 } },
    };
    h = await createHarness(policy);
    await submitGroup();
    await submitGroup();
    expect(await refusal(submitGroup())).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('2 requests in the last 1m'),
    });
    expect((await h.store.list()).length).toBe(2);
    h.directory.emails.set('U_DAVE', 'dave@example.com');
    await h.service.submit({ requester: 'U_DAVE', itemId: 'cf-admins', reason: 'other person', duration: '1h' });
    h.clock.advance(60_000);
    await expect(submitGroup()).resolves.toMatchObject({ status: { state: 'pending' } });
  });

  it('counts submissions in the store: a restarted process (or another replica) still refuses the one too many', async () => {
    const policy: Policy = {
      ...basePolicy,
      requests: { ...basePolicy.requests, submissionLimit: { count: 2, windowMs: 60_000 } },
    };
    h = await createHarness(policy);
    await submitGroup();
    await submitGroup();
    h = await h.restart();
    expect(await refusal(submitGroup())).toMatchObject({ code: 'rate_limited' });
    expect((await h.store.list()).length).toBe(2);
  });

  it('records the MFA identity attestation: who attested, when, and the exact text; refuses an approval without one', async () => {
    const mfa = { ...groupItem, id: 'cf-mfa', kind: 'mfa.reset' as const, title: 'Reset my MFA' };
    const { group: _group, maxDurationMs: _max, ...mfaItem } = mfa;
    h = await createHarness({ ...basePolicy, catalog: [mfaItem] });
    const request = await h.service.submit({ requester: 'U_ALICE', itemId: 'cf-mfa', reason: 'lost phone' });
    expect(await refusal(h.service.approve('U_BOB', request.ref))).toMatchObject({
      code: 'not_allowed',
      reason: 'attestation_required',
    });
    expect((await h.service.find(request.ref)).status.state).toBe('pending');
    const attestedAt = h.clock.now();
    await h.service.approve('U_BOB', request.ref, 0, 'I verified the requester’s identity out of band. By a call.');
    expect(h.audit.records.find((r) => r.event === 'request.approved')).toMatchObject({
      actor: 'U_BOB',
      details: {
        attestation: {
          text: 'I verified the requester’s identity out of band. By a call.',
          at: new Date(attestedAt).toISOString(),
        },
      },
    });
  });

  it('records people by Slack id and, as of each event, their name and email', async () => {
    h = await createHarness();
    h.directory.names.set('U_ALICE', 'Alice Martin');
    h.directory.names.set('U_BOB', 'Bob Stone');
    h.directory.emails.set('U_BOB', 'bob@example.com');
    const request = await submitGroup();
    h.directory.names.set('U_ALICE', 'Alice Durand');
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    await h.service.release('U_ALICE', request.ref);
    const byEvent = (event: string) => h.audit.records.find((r) => r.event === event);
    expect(byEvent('request.submitted')).toMatchObject({
      actor: 'U_ALICE',
      details: { actorName: 'Alice Martin', actorEmail: 'alice@example.com' },
    });
    expect(byEvent('request.approved')).toMatchObject({
      actor: 'U_BOB',
      details: { actorName: 'Bob Stone', actorEmail: 'bob@example.com' },
    });
    expect(byEvent('grant.released')).toMatchObject({ actor: 'U_ALICE', details: { actorName: 'Alice Durand' } });
    expect(byEvent('execution.started')?.details).not.toHaveProperty('actorName');
  });

  it('a refused submission does not use up a request number (issue 13 item 3)', async () => {
    const policy: Policy = { ...basePolicy, catalog: [{ ...groupItem, requesters: ['leads'] }] };
    h = await createHarness(policy);
    h.directory.emails.set('U_BOB', 'bob@example.com');
    expect(await refusal(submitGroup())).toMatchObject({ code: 'not_allowed', reason: 'not_a_requester' });
    const accepted = await submitGroup({ requester: 'U_BOB' });
    expect(accepted.ref).toBe('REQ-0001');
  });

  it('turns a double submission of one form into one request', async () => {
    h = await createHarness();
    const command = { requester: 'U_ALICE', itemId: 'cf-admins', reason: 'x', duration: '1h', submissionKey: 'V0FORM' };
    const [a, b] = await Promise.all([h.service.submit(command), h.service.submit(command)]);
    expect(a.ref).toBe('REQ-0001');
    expect(b.ref).toBe('REQ-0001');
    expect((await h.store.list()).length).toBe(1);
    expect(h.audit.records.filter((r) => r.event === 'request.submitted')).toHaveLength(1);
  });

  it('a form submitted again after its request closed, even across a restart, creates nothing new', async () => {
    h = await createHarness();
    const command = { requester: 'U_ALICE', itemId: 'cf-admins', reason: 'x', duration: '1h', submissionKey: 'V0FORM' };
    const first = await h.service.submit(command);
    await h.service.cancel('U_ALICE', first.ref);
    expect((await h.service.submit(command)).ref).toBe(first.ref);
    h = await h.restart();
    const replayed = await h.service.submit(command);
    expect(replayed).toMatchObject({ ref: first.ref, status: { state: 'cancelled' } });
    expect((await h.store.list()).length).toBe(1);
    expect(h.audit.records.filter((r) => r.event === 'request.submitted')).toHaveLength(1);
    // The same form id from another person is another person's form.
    h.directory.emails.set('U_DAVE', 'dave@example.com');
    expect((await h.service.submit({ ...command, requester: 'U_DAVE' })).ref).not.toBe(first.ref);
  });

  it('cancels only for the requester or an admin', async () => {
    h = await createHarness();
    const request = await submitGroup();
    expect(await refusal(h.service.cancel('U_BOB', request.ref))).toMatchObject({ reason: 'not_the_requester' });
    await h.service.cancel('U_ALICE', request.ref);
    expect((await h.service.find(request.ref)).status.state).toBe('cancelled');
  });

  it('lists what waits for an approver and what a requester asked', async () => {
    h = await createHarness();
    const a = await submitGroup();
    const b = await submitGroup();
    await h.service.approve('U_BOB', b.ref);
    await h.settle();
    expect((await h.service.pendingFor('U_CAROL')).map((r) => r.ref)).toEqual([a.ref]);
    expect(await h.service.pendingFor('U_ALICE')).toEqual([]);
    expect((await h.service.history('U_ALICE')).map((r) => r.ref)).toEqual([a.ref, b.ref]);
    expect(await refusal(h.service.find('REQ-9999'))).toMatchObject({ code: 'not_found' });
  });
});

describe('a step the bot cannot record (issue 11 item 8)', () => {
  it('retries recording a provider result until the disk takes it, and tells the admins once', async () => {
    h = await createHarness();
    const commit = h.store.commit.bind(h.store);
    let failures = 0;
    h.store.commit = async (change) => {
      if (change.request.status.state === 'completed' && failures < 3) {
        failures++;
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      return commit(change);
    };
    const request = await h.service.submit({
      requester: 'U_ALICE',
      itemId: 'cf-admins',
      reason: 'on call',
      duration: '1h',
    });
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    expect(failures).toBe(3);
    expect((await h.service.find(request.ref)).status).toMatchObject({
      state: 'completed',
      outcome: { membershipAdded: true },
    });
    expect(h.provider.calls.filter((c) => c === 'addMember')).toHaveLength(1);
    expect(h.notifier.alerts).toEqual([
      { admins: ['U_ADMIN'], text: expect.stringMatching(/REQ-0001: the bot cannot record its progress .*\(ENOSPC\)/) },
    ]);
  });
});
