import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowFailure } from '../../src/domain/errors.ts';
import type { CatalogItem } from '../../src/domain/policy.ts';
import { ProviderError } from '../../src/workflow/ports.ts';
import type { Secret } from '../../src/domain/secret.ts';
import { apply, basePolicy } from '../support/fixtures.ts';
import { createHarness, type Harness } from '../support/harness.ts';

const keyItem: CatalogItem = {
  id: 'cf-key',
  title: 'CF key',
  provider: 'cf',
  kind: 'key.rotate',
  stages: [{ set: 'leads', quorum: 1 }],
  requireReason: false,
};
const ALICE = 'user-alice@example.com';
const FIFTEEN_MINUTES = 15 * 60_000;

let h: Harness;
afterEach(() => h?.close());

async function approvedRotation(): Promise<string> {
  h = await createHarness({ ...basePolicy, catalog: [keyItem] });
  h.provider.accessKeys.set(ALICE, [{ id: 'old-key', status: 'active' }]);
  const request = await h.service.submit({ requester: 'U_ALICE', itemId: 'cf-key', reason: '' });
  await h.service.approve('U_BOB', request.ref);
  await h.settle();
  return request.ref;
}

/** Reveals through a showing that succeeds; gives the secret shown. */
async function reveal(person: string, ref: string) {
  let shown: Secret | undefined;
  const request = await h.service.revealSecret(person, ref, async (_request, secret) => {
    shown = secret;
    return true;
  });
  return { request, secret: shown };
}

const stateOf = async (ref: string) => (await h.service.find(ref)).status;
const keyIds = () => (h.provider.accessKeys.get(ALICE) ?? []).map((k) => `${k.id}:${k.status}`);

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
    expect(await stateOf(ref)).toMatchObject({
      state: 'executing',
      rotation: { step: 'reveal', oldKeyIds: ['old-key'], newKeyId: 'key-1' },
    });
    expect(h.notifier.secretsReady.map((r) => r.ref)).toEqual([ref]);
    expect(await refusal(reveal('U_BOB', ref))).toMatchObject({ code: 'not_allowed' });
    const { secret } = await reveal('U_ALICE', ref);
    expect(secret?.reveal()).toBe(`SECRET-${ALICE}-key-1-do-not-leak`);
    expect(await refusal(reveal('U_ALICE', ref))).toMatchObject({ code: 'invalid_state' });
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
    h.provider.deactivates = false;
    await reveal('U_ALICE', ref);
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
    expect(await refusal(reveal('U_ALICE', ref))).toMatchObject({ code: 'invalid_state' });
  });

  it('refuses a reveal after the deadline even before the tick rolls it back', async () => {
    const ref = await approvedRotation();
    h.clock.advance(FIFTEEN_MINUTES);
    expect(await refusal(reveal('U_ALICE', ref))).toMatchObject({ code: 'invalid_state' });
  });

  it('after a crash while creating, removes the orphan key of the lost attempt and creates once', async () => {
    h = await createHarness({ ...basePolicy, catalog: [keyItem] });
    h.provider.accessKeys.set(ALICE, [{ id: 'old-key', status: 'active' }]);
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
    h.provider.accessKeys.get(ALICE)?.push({ id: 'orphan', status: 'active' }); // created, answer lost
    h = await h.restart();
    h.executor.recover();
    await h.settle();
    expect(keyIds()).toEqual(['old-key:active', 'key-1:active']);
    expect(await stateOf(request.ref)).toMatchObject({
      state: 'executing',
      rotation: { step: 'reveal', newKeyId: 'key-1' },
    });
  });

  it('after a crash while waiting for the reveal, rolls back: the secret died with the process', async () => {
    const ref = await approvedRotation();
    h = await h.restart();
    h.executor.recover();
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({
      state: 'failed',
      error: { kind: 'secret_expired', message: expect.stringContaining('restarted') },
    });
    expect(keyIds()).toEqual(['old-key:active']);
  });

  it('after a crash while retiring, finishes retiring', async () => {
    const ref = await approvedRotation();
    await reveal('U_ALICE', ref);
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
    h.provider.accessKeys.set(ALICE, [
      { id: 'retired', status: 'inactive' },
      { id: 'current', status: 'active' },
    ]);
    const request = await h.service.submit({ requester: 'U_ALICE', itemId: 'cf-key', reason: '' });
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    await reveal('U_ALICE', request.ref);
    await h.service.confirmRotation('U_ALICE', request.ref);
    await h.settle();
    expect(keyIds()).toEqual(['current:inactive', 'key-1:active']);
    expect(h.audit.records.find((r) => r.event === 'rotation.inactive_keys_deleted')?.details).toEqual({
      keys: ['retired'],
      verified: true,
      readBack: [
        { expected: 'key retired is deleted', observed: 'key retired not listed', at: expect.any(String), reads: 1 },
      ],
    });
  });
});

describe('a rotation that cannot retire the old key at once (issue 11 item 3)', () => {
  it('a retry resumes at the retire step: no second key is created and the old key is retired', async () => {
    const ref = await approvedRotation();
    await reveal('U_ALICE', ref);
    h.provider.faults.set('deactivateKey', new ProviderError('unavailable', 'try later'));
    await h.service.confirmRotation('U_ALICE', ref);
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'failed', rotation: { step: 'retire', newKeyId: 'key-1' } });
    await h.service.retry('U_ADMIN', ref);
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'completed', outcome: { newKeyId: 'key-1' } });
    expect(keyIds()).toEqual(['old-key:inactive', 'key-1:active']);
    expect(h.provider.calls.filter((c) => c === 'createKey')).toHaveLength(1);
  });

  it('a retry after a failed rollback deletes the unrevealed key instead of creating another', async () => {
    const ref = await approvedRotation();
    h.provider.faults.set('deleteKey', new ProviderError('unavailable', 'try later'));
    h.clock.advance(FIFTEEN_MINUTES);
    await h.service.tick();
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'failed', rotation: { step: 'rollback' } });
    await h.service.retry('U_ADMIN', ref);
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'failed', error: { kind: 'secret_expired' } });
    expect(keyIds()).toEqual(['old-key:active']);
    expect(h.provider.calls.filter((c) => c === 'createKey')).toHaveLength(1);
  });

  it('waits for the owner to confirm until a stated deadline, then retires the old key and says so', async () => {
    const ref = await approvedRotation();
    const { request } = await reveal('U_ALICE', ref);
    const s = request?.status;
    const confirmBy = s?.state === 'executing' && s.rotation?.step === 'confirm' ? s.rotation.confirmBy : 0;
    expect(confirmBy).toBe(h.clock.now() + 24 * 3_600_000);
    expect(h.audit.records.find((r) => r.event === 'rotation.revealed')?.details).toMatchObject({
      confirmBy: new Date(confirmBy).toISOString(),
    });
    h.clock.time = confirmBy - 1;
    await h.service.tick();
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'executing', rotation: { step: 'confirm' } });
    h.clock.time = confirmBy;
    await h.service.tick();
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'completed' });
    expect(keyIds()).toEqual(['old-key:inactive', 'key-1:active']);
    expect(h.notifier.events(ref)).toContain('rotation.confirm_deadline');
  });
});

describe('revealing the new key (issue 11 item 9)', () => {
  it('spends the secret only once it was shown: a failed showing leaves it revealable', async () => {
    const ref = await approvedRotation();
    expect(await h.service.revealSecret('U_ALICE', ref, async () => false)).toBeUndefined();
    expect(await stateOf(ref)).toMatchObject({ state: 'executing', rotation: { step: 'reveal' } });
    const failedOpen = h.service.revealSecret('U_ALICE', ref, async () => {
      throw new Error('views.open: expired_trigger_id');
    });
    await expect(failedOpen).rejects.toThrow('expired_trigger_id');
    expect(await stateOf(ref)).toMatchObject({ state: 'executing', rotation: { step: 'reveal' } });
    const { secret } = await reveal('U_ALICE', ref);
    expect(secret?.reveal()).toBe(`SECRET-${ALICE}-key-1-do-not-leak`);
    expect(await stateOf(ref)).toMatchObject({ rotation: { step: 'confirm' } });
  });

  it('refuses a second click while the first showing is under way, and the deadline does not remove the key meanwhile', async () => {
    const ref = await approvedRotation();
    let finishShowing: () => void = () => undefined;
    const showing = h.service.revealSecret(
      'U_ALICE',
      ref,
      () => new Promise<boolean>((resolve) => (finishShowing = () => resolve(true))),
    );
    const { id } = await h.service.find(ref);
    while (!(await h.vault.showing(id))) await new Promise((resolve) => setImmediate(resolve));
    expect(await refusal(reveal('U_ALICE', ref))).toMatchObject({
      code: 'invalid_state',
      message: expect.stringContaining('being shown'),
    });
    h.clock.advance(FIFTEEN_MINUTES);
    await h.service.tick();
    finishShowing();
    await showing;
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'executing', rotation: { step: 'confirm' } });
    expect(keyIds()).toEqual(['old-key:active', 'key-1:active']);
  });
});

describe('data of the previous release', () => {
  it('a rotation stored waiting for confirmation without a deadline gets the default one, counted from its wait, and ends at it', async () => {
    const ref = await approvedRotation();
    await reveal('U_ALICE', ref);
    await h.settle();
    await h.store.close();
    const file = join(h.dataDir, 'state.json');
    const doc = JSON.parse(await readFile(file, 'utf8')) as {
      open: { status: { at: number; rotation?: Record<string, unknown> } }[];
    };
    const stored = doc.open[0]?.status;
    delete stored?.rotation?.confirmBy;
    await writeFile(file, JSON.stringify(doc));
    // Already closed: reopen's own close must not write the document back over the old release's.
    h.store.close = () => Promise.resolve();
    h = await h.reopen();
    const waitingSince = stored?.at ?? 0;
    expect(await stateOf(ref)).toMatchObject({
      state: 'executing',
      rotation: { step: 'confirm', confirmBy: waitingSince + 24 * 3_600_000 },
    });
    h.clock.time = waitingSince + 24 * 3_600_000;
    await h.service.tick();
    await h.settle();
    expect(await stateOf(ref)).toMatchObject({ state: 'completed' });
    expect(keyIds()).toEqual(['old-key:inactive', 'key-1:active']);
  });
});
