import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../src/domain/policy.ts';
import type { PrincipalRef } from '../../src/workflow/ports.ts';
import { EFFECT_ATTEMPTS, EVENTUAL_WAITS_MS } from '../../src/workflow/verify.ts';
import { basePolicy, groupItem } from '../support/fixtures.ts';
import { createHarness, type Harness } from '../support/harness.ts';

const HOUR = 3_600_000;
const ALICE = 'user-alice@example.com';
/** The name the provider gives her, which read-backs quote. */
const ALICE_NAME = 'alice@example.com';
const mfaItem: CatalogItem = {
  id: 'cf-mfa',
  title: 'CF MFA',
  provider: 'cf',
  kind: 'mfa.reset',
  stages: [{ set: 'leads', quorum: 1 }],
  requireReason: false,
};
const keyItem: CatalogItem = {
  id: 'cf-key',
  title: 'CF key',
  provider: 'cf',
  kind: 'key.rotate',
  stages: [{ set: 'leads', quorum: 1 }],
  requireReason: false,
};

let h: Harness;
afterEach(() => h?.close());

const stateOf = async (ref: string) => (await h.service.find(ref)).status;
const member = () => h.provider.members.get('admins')?.has(ALICE) ?? false;
const record = (ref: string, event: string) => h.audit.records.find((r) => r.requestRef === ref && r.event === event);
const calls = (name: string) => h.provider.calls.filter((c) => c === name).length;

async function approved(itemId: string, duration?: string): Promise<string> {
  const request = await h.service.submit({
    requester: 'U_ALICE',
    itemId,
    reason: 'on call',
    ...(duration ? { duration } : {}),
  });
  await h.service.approve(
    'U_BOB',
    request.ref,
    0,
    itemId === 'cf-mfa' ? 'I verified the requester’s identity out of band.' : undefined,
  );
  await h.settle();
  return request.ref;
}

describe('verified effects', () => {
  it('records the membership read back after the add: verified, what was read, when', async () => {
    h = await createHarness();
    const ref = await approved('cf-admins', '1h');
    expect((await stateOf(ref)).state).toBe('completed');
    expect(record(ref, 'execution.completed')?.details).toMatchObject({
      verified: true,
      readBack: [
        {
          expected: `${ALICE_NAME} is a member of admins`,
          observed: 'a member',
          at: new Date(h.clock.now()).toISOString(),
          reads: 1,
        },
      ],
    });
  });

  it('an add acknowledged but not done is made again, and counts once the read-back shows it', async () => {
    h = await createHarness();
    h.provider.lost.set('addMember', 1);
    const ref = await approved('cf-admins', '1h');
    expect((await stateOf(ref)).state).toBe('completed');
    expect(member()).toBe(true);
    expect(calls('addMember')).toBe(2);
  });

  it('an add never done fails as unverified, is not completed, and the admins are told', async () => {
    h = await createHarness();
    h.provider.lost.set('addMember', EFFECT_ATTEMPTS);
    const ref = await approved('cf-admins', '1h');
    expect(await stateOf(ref)).toMatchObject({
      state: 'failed',
      error: { kind: 'unverified', message: expect.stringContaining('not a member') },
    });
    expect(calls('addMember')).toBe(EFFECT_ATTEMPTS);
    expect(h.notifier.events(ref)).not.toContain('execution.completed');
    expect(h.notifier.notices.find((n) => n.event === 'effect.unverified')).toMatchObject({
      approvers: ['U_ADMIN'],
      request: { ref },
    });
    expect(record(ref, 'execution.failed')?.details).toMatchObject({ kind: 'unverified' });
    // An admin's retry, with the provider working again, ends it properly.
    await h.service.retry('U_ADMIN', ref);
    await h.settle();
    expect((await stateOf(ref)).state).toBe('completed');
    expect(member()).toBe(true);
  });

  it('a revoke acknowledged but not done keeps the grant being revoked and tells the admins at once', async () => {
    h = await createHarness();
    const ref = await approved('cf-admins', '1h');
    h.provider.lost.set('removeMember', EFFECT_ATTEMPTS);
    h.clock.advance(HOUR);
    await h.service.tick();
    await h.settle();
    expect(member()).toBe(true);
    expect(await stateOf(ref)).toMatchObject({ state: 'revoking', escalated: true, lastError: { kind: 'unverified' } });
    expect(h.notifier.notices.filter((n) => n.event === 'revoke.escalated').map((n) => n.approvers)).toEqual([
      ['U_ADMIN'],
    ]);
    expect(h.notifier.events(ref)).not.toContain('revoke.completed');
    // Retried like any failed revoke; once the provider does it, it is read back and recorded.
    h.clock.advance(2 * HOUR);
    await h.service.tick();
    await h.settle();
    expect((await stateOf(ref)).state).toBe('revoked');
    expect(record(ref, 'revoke.completed')?.details).toMatchObject({
      verified: true,
      readBack: [{ observed: 'not a member' }],
    });
  });

  it('an MFA reset the provider does not do fails as unverified', async () => {
    h = await createHarness({ ...basePolicy, catalog: [groupItem, mfaItem] });
    h.provider.mfaDevices.add(ALICE);
    h.provider.lost.set('resetMfa', EFFECT_ATTEMPTS);
    const ref = await approved('cf-mfa');
    expect(await stateOf(ref)).toMatchObject({
      state: 'failed',
      error: { kind: 'unverified', message: expect.stringContaining('still there') },
    });
    expect(h.provider.mfaDevices.has(ALICE)).toBe(true);
  });

  it('an MFA reset records the device read back as gone', async () => {
    h = await createHarness({ ...basePolicy, catalog: [groupItem, mfaItem] });
    h.provider.mfaDevices.add(ALICE);
    const ref = await approved('cf-mfa');
    expect(record(ref, 'execution.completed')?.details).toMatchObject({
      verified: true,
      readBack: [{ expected: `${ALICE_NAME} has no MFA device`, observed: 'no MFA device' }],
    });
  });

  it('a key the provider says it created but does not list is never offered to its owner', async () => {
    h = await createHarness({ ...basePolicy, catalog: [keyItem] });
    h.provider.accessKeys.set(ALICE, [{ id: 'old-key', status: 'active' }]);
    h.provider.lost.set('createKey', 1);
    const ref = await approved('cf-key');
    expect(await stateOf(ref)).toMatchObject({ state: 'failed', error: { kind: 'unverified' } });
    expect(h.notifier.secretsReady).toEqual([]);
    expect(calls('createKey')).toBe(1);
  });

  it('an old key whose deactivation does not show fails the rotation at the retire step, and a retry resumes there', async () => {
    h = await createHarness({ ...basePolicy, catalog: [keyItem] });
    h.provider.accessKeys.set(ALICE, [{ id: 'old-key', status: 'active' }]);
    const ref = await approved('cf-key');
    expect(record(ref, 'rotation.key_created')?.details).toMatchObject({
      verified: true,
      readBack: [{ expected: 'key key-1 is listed and active' }],
    });
    await h.service.revealSecret('U_ALICE', ref, async () => true);
    h.provider.lost.set('deactivateKey', EFFECT_ATTEMPTS);
    await h.service.confirmRotation('U_ALICE', ref);
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({
      state: 'failed',
      error: { kind: 'unverified' },
      rotation: { step: 'retire' },
    });
    expect(h.provider.accessKeys.get(ALICE)?.find((k) => k.id === 'old-key')?.status).toBe('active');
    await h.service.retry('U_ADMIN', ref);
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'completed' });
    expect(calls('createKey')).toBe(1);
    expect(record(ref, 'execution.completed')?.details).toMatchObject({
      verified: true,
      readBack: [{ expected: 'key old-key is inactive or deleted', observed: 'key old-key inactive' }],
    });
  });

  it('where a provider shows changes late, reads back within a bounded wait and says how many reads it took', async () => {
    h = await createHarness();
    h.provider.consistency = { model: 'eventual', source: 'test' };
    // The membership shows only on the third read after the add.
    const isMember = h.provider.isMember.bind(h.provider);
    let readsAfterAdd = -1;
    const addMember = h.provider.addMember.bind(h.provider);
    h.provider.addMember = async (group: string, who: PrincipalRef) => {
      readsAfterAdd = 0;
      return addMember(group, who);
    };
    h.provider.isMember = async (group: string, who: PrincipalRef) => {
      if (readsAfterAdd >= 0 && ++readsAfterAdd < 3) return false;
      return isMember(group, who);
    };
    const ref = await approved('cf-admins', '1h');
    expect((await stateOf(ref)).state).toBe('completed');
    expect(calls('addMember')).toBe(1);
    expect(record(ref, 'execution.completed')?.details).toMatchObject({ verified: true, readBack: [{ reads: 3 }] });
  });

  it('the bounded wait ends: a change never shown is made again EFFECT_ATTEMPTS times, each read back as often as the bound allows', async () => {
    h = await createHarness();
    h.provider.consistency = { model: 'unknown', source: 'test' };
    h.provider.lost.set('addMember', EFFECT_ATTEMPTS);
    const before = calls('isMember');
    const ref = await approved('cf-admins', '1h');
    expect((await stateOf(ref)).state).toBe('failed');
    // One read before adding, then per attempt one read and one per wait.
    expect(calls('isMember') - before).toBe(1 + EFFECT_ATTEMPTS * (EVENTUAL_WAITS_MS.length + 1));
  });

  it('a crash between the change and its read-back: the step resumes, reads again, and records the read once', async () => {
    h = await createHarness();
    // The read-back after the add never returns in this process: it dies there.
    const addMember = h.provider.addMember.bind(h.provider);
    let added: () => void = () => undefined;
    const addDone = new Promise<void>((resolve) => (added = resolve));
    h.provider.addMember = async (group: string, who: PrincipalRef) => {
      const result = await addMember(group, who);
      h.provider.gate = new Promise(() => undefined);
      added();
      return result;
    };
    const request = await h.service.submit({
      requester: 'U_ALICE',
      itemId: 'cf-admins',
      reason: 'on call',
      duration: '1h',
    });
    await h.service.approve('U_BOB', request.ref);
    await addDone;
    expect((await stateOf(request.ref)).state).toBe('executing');
    h.provider.gate = Promise.resolve();
    h.provider.addMember = addMember;
    h = await h.reopen();
    h.executor.recover();
    await h.settle();
    expect(await stateOf(request.ref)).toMatchObject({ state: 'completed', outcome: { membershipAdded: true } });
    expect(member()).toBe(true);
    expect(
      h.audit.records.filter((r) => r.requestRef === request.ref && r.event === 'execution.completed'),
    ).toHaveLength(1);
    expect(record(request.ref, 'execution.completed')?.details).toMatchObject({
      verified: true,
      readBack: [{ observed: 'a member' }],
    });
  });
});
