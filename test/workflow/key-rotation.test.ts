import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowFailure } from '../../src/domain/errors.ts';
import type { CatalogItem } from '../../src/domain/policy.ts';
import { ProviderError } from '../../src/providers/port.ts';
import { apply, basePolicy } from '../support/fixtures.ts';
import { createHarness, type Harness } from '../support/harness.ts';

const keyItem: CatalogItem = { id: 'cf-key', title: 'CF key', provider: 'cf', kind: 'key.rotate', stages: [{ set: 'leads', quorum: 1 }], requireReason: false };
const ALICE = 'user-alice@example.com';
const FIFTEEN_MINUTES = 15 * 60_000;

let h: Harness;
afterEach(() => h?.close());

async function approvedRotation(): Promise<string> {
  h = await createHarness({ ...basePolicy, catalog: [keyItem] });
  h.provider.keys.set(ALICE, [{ id: 'old-key', status: 'active' }]);
  const request = await h.service.submit({ requester: 'U_ALICE', itemId: 'cf-key', reason: '' });
  await h.service.approve('U_BOB', request.ref);
  await h.settle();
  return request.ref;
}

const stateOf = async (ref: string) => (await h.service.find(ref)).status;
const keyIds = () => (h.provider.keys.get(ALICE) ?? []).map((k) => `${k.id}:${k.status}`);

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailure);
  return (error as WorkflowFailure).error;
}

describe('key rotation', () => {
  it('creates, reveals once to the owner only, and retires the old key on confirmation', async () => {
    const ref = await approvedRotation();
    expect(await stateOf(ref)).toMatchObject({ state: 'executing', rotation: { step: 'reveal', oldKeyIds: ['old-key'], newKeyId: 'key-1' } });
    expect(h.notifier.secretsReady.map((r) => r.ref)).toEqual([ref]);
    expect(await refusal(h.service.revealSecret('U_BOB', ref))).toMatchObject({ code: 'not_allowed' });
    const { secret } = await h.service.revealSecret('U_ALICE', ref);
    expect(secret.reveal()).toBe(`SECRET-${ALICE}-key-1-do-not-leak`);
    expect(await refusal(h.service.revealSecret('U_ALICE', ref))).toMatchObject({ code: 'invalid_state' });
    expect(keyIds()).toEqual(['old-key:active', 'key-1:active']);
    await h.service.confirmRotation('U_ALICE', ref);
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'completed', outcome: { newKeyId: 'key-1' } });
    expect(keyIds()).toEqual(['old-key:inactive', 'key-1:active']);
    expect(h.audit.records.map((r) => r.event)).toEqual([
      'request.submitted',
      'request.approved',
      'execution.started',
      'rotation.key_created',
      'rotation.revealed',
      'rotation.confirmed',
      'execution.completed',
    ]);
    const written = JSON.stringify([await h.store.list(), h.audit.records, h.notifier.notices]);
    expect(written).not.toContain('do-not-leak');
  });

  it('deletes the old key where the provider cannot deactivate it', async () => {
    const ref = await approvedRotation();
    h.provider.faults.set('deactivateKey', new ProviderError('unsupported', 'keys cannot be disabled here'));
    await h.service.revealSecret('U_ALICE', ref);
    await h.service.confirmRotation('U_ALICE', ref);
    await h.settle();
    expect(keyIds()).toEqual(['key-1:active']);
    expect((await stateOf(ref)).state).toBe('completed');
  });

  it('deletes a new key nobody revealed in time and keeps the old one', async () => {
    const ref = await approvedRotation();
    h.clock.advance(FIFTEEN_MINUTES - 1);
    await h.service.tick();
    expect((await stateOf(ref)).state).toBe('executing');
    h.clock.advance(1);
    await h.service.tick();
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'failed', error: { kind: 'secret_expired' } });
    expect(keyIds()).toEqual(['old-key:active']);
    expect(await refusal(h.service.revealSecret('U_ALICE', ref))).toMatchObject({ code: 'invalid_state' });
  });

  it('refuses a reveal after the deadline even before the tick rolls it back', async () => {
    const ref = await approvedRotation();
    h.clock.advance(FIFTEEN_MINUTES);
    expect(await refusal(h.service.revealSecret('U_ALICE', ref))).toMatchObject({ code: 'invalid_state' });
  });

  it('after a crash while creating, removes the orphan key of the lost attempt and creates once', async () => {
    h = await createHarness({ ...basePolicy, catalog: [keyItem] });
    h.provider.keys.set(ALICE, [{ id: 'old-key', status: 'active' }]);
    const request = await h.service.submit({ requester: 'U_ALICE', itemId: 'cf-key', reason: '' });
    const approved = apply(request, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 });
    const started = apply(approved, { type: 'start' });
    const creating = apply(started, { type: 'progress', rotation: { step: 'create', oldKeyIds: ['old-key'] } });
    for (const [before, after] of [
      [request, approved],
      [approved, started],
      [started, creating],
    ] as const) {
      await h.store.commit({ request: after, expectedVersion: before.version, audit: [] });
    }
    h.provider.keys.get(ALICE)?.push({ id: 'orphan', status: 'active' }); // created, answer lost
    h = await h.restart();
    h.executor.recover();
    await h.settle();
    expect(keyIds()).toEqual(['old-key:active', 'key-1:active']);
    expect(await stateOf(request.ref)).toMatchObject({ state: 'executing', rotation: { step: 'reveal', newKeyId: 'key-1' } });
  });

  it('after a crash while waiting for the reveal, rolls back: the secret died with the process', async () => {
    const ref = await approvedRotation();
    h = await h.restart();
    h.executor.recover();
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'failed', error: { kind: 'secret_expired', message: expect.stringContaining('restarted') } });
    expect(keyIds()).toEqual(['old-key:active']);
  });

  it('after a crash while retiring, finishes retiring', async () => {
    const ref = await approvedRotation();
    await h.service.revealSecret('U_ALICE', ref);
    h.provider.gate = new Promise(() => undefined); // the retire call never returns in this process
    await h.service.confirmRotation('U_ALICE', ref);
    expect((await stateOf(ref)).state).toBe('executing');
    h.provider.gate = Promise.resolve();
    h = await h.reopen();
    h.executor.recover();
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'completed' });
    expect(keyIds()).toEqual(['old-key:inactive', 'key-1:active']);
  });
});


describe('a second rotation', () => {
  it('deletes the key the first rotation deactivated, so a two-key limit does not block it', async () => {
    h = await createHarness({ ...basePolicy, catalog: [keyItem] });
    h.provider.keys.set(ALICE, [
      { id: 'retired', status: 'inactive' },
      { id: 'current', status: 'active' },
    ]);
    const request = await h.service.submit({ requester: 'U_ALICE', itemId: 'cf-key', reason: '' });
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    await h.service.revealSecret('U_ALICE', request.ref);
    await h.service.confirmRotation('U_ALICE', request.ref);
    await h.settle();
    expect(keyIds()).toEqual(['current:inactive', 'key-1:active']);
    expect(h.audit.records.find((r) => r.event === 'rotation.inactive_keys_deleted')?.details).toEqual({ keys: ['retired'] });
  });
});
