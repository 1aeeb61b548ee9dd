import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/domain/secret.ts';
import type { PrincipalRef } from '../../../src/workflow/ports.ts';
import type { Fault } from '../../../src/simulators/shared/sim-server.ts';
import { failure, seedUser, startRig, type Rig } from './support.ts';

let rig: Rig;
let ci: PrincipalRef;

afterEach(async () => {
  await rig.close();
});

async function start(options: Parameters<typeof startRig>[0] = {}): Promise<void> {
  rig = await startRig(options);
  ci = seedUser(rig.sim, 'ci');
}

// Faults meet requests in order; a zero latency lets one through untouched.
const pass = { type: 'latency', ms: 0 } as const;
const lose = { type: 'drop', when: 'after' } as const;

/** Queues faults for the requests that follow createKey's first listing of existing keys. */
function afterListing(...faults: Fault[]): void {
  for (const fault of [pass, ...faults]) rig.sim.server.inject(fault);
}

describe('Outscale access keys', () => {
  it('lists keys with their status and creation date', async () => {
    await start();
    const old = rig.sim.state.createKey('ci');
    rig.sim.state.setKeyStatus('ci', old.id, 'Inactive');
    const current = rig.sim.state.createKey('ci');

    const keys = await rig.provider.listKeys(ci);
    expect(keys).toHaveLength(2);
    expect(keys).toEqual(
      expect.arrayContaining([
        { id: old.id, status: 'inactive', createdAt: old.createdAt },
        { id: current.id, status: 'active', createdAt: current.createdAt },
      ]),
    );
  });

  it('creates a key and returns its secret wrapped, with the request id', async () => {
    await start();
    const created = await rig.provider.createKey(ci);

    const [stored] = rig.sim.state.keysOf('ci');
    expect(stored).toBeDefined();
    expect(created.key).toEqual({ id: stored?.id, status: 'active', createdAt: stored?.createdAt });
    expect(created.secret).toBeInstanceOf(Secret);
    expect(created.secret.reveal()).toBe(stored?.secret);
    expect(created.providerRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(created)).not.toContain(stored?.secret);
  });

  it('the new key signs requests: a second adapter with it is accepted', async () => {
    rig = await startRig();
    ci = seedUser(rig.sim, 'ci', { allow: ['ListUsers'] });
    const created = await rig.provider.createKey(ci);
    const asCi = rig.connect({ accessKey: new Secret(created.key.id), secretKey: created.secret });
    await expect(asCi.probe()).resolves.toMatchObject({ providerRequestId: expect.any(String) });
  });

  it('at the quota of 2 keys, fails as limit_exceeded naming the limit, and creates nothing', async () => {
    await start();
    rig.sim.state.createKey('ci');
    rig.sim.state.createKey('ci');

    const error = await failure(rig.provider.createKey(ci));
    expect(error.kind).toBe('limit_exceeded');
    expect(error.message).toContain('2 access keys');
    expect(error.message).toContain('AccessKeysPerUser');
    expect(error.providerRequestId).toBeDefined();
    expect(rig.sim.state.keysOf('ci')).toHaveLength(2);
  });

  it('deactivates a key, which then no longer authenticates', async () => {
    rig = await startRig();
    ci = seedUser(rig.sim, 'ci', { allow: ['ListUsers'] });
    const key = rig.sim.state.createKey('ci');

    await expect(rig.provider.deactivateKey(ci, key.id)).resolves.toMatchObject({
      providerRequestId: expect.any(String),
    });
    expect(rig.sim.state.keysOf('ci')[0]?.status).toBe('Inactive');
    expect(rig.sim.server.requests.at(-1)?.body).toContain('Status=Inactive');

    const asOldKey = rig.connect({ accessKey: new Secret(key.id), secretKey: new Secret(key.secret) });
    expect(await failure(asOldKey.probe())).toMatchObject({ kind: 'unauthorized' });
  });

  it('deactivating an unknown key fails as not_found', async () => {
    await start();
    expect(await failure(rig.provider.deactivateKey(ci, 'AKNOSUCHKEY000000000'))).toMatchObject({ kind: 'not_found' });
  });

  it('deletes a key; deleting it again succeeds because it is gone', async () => {
    await start();
    const key = rig.sim.state.createKey('ci');

    await rig.provider.deleteKey(ci, key.id);
    expect(rig.sim.state.keysOf('ci')).toEqual([]);
    await expect(rig.provider.deleteKey(ci, key.id)).resolves.toBeDefined();
    expect(rig.actions()).toEqual(['DeleteAccessKey', 'DeleteAccessKey', 'ListAccessKeys']);
  });

  it('a deletion whose answer was lost is sent again and counts as done', async () => {
    await start();
    const key = rig.sim.state.createKey('ci');
    rig.sim.server.inject({ type: 'drop', when: 'after' });

    await rig.provider.deleteKey(ci, key.id);
    expect(rig.sim.state.keysOf('ci')).toEqual([]);
  });

  it('deleting a key of a user who does not exist fails as not_found', async () => {
    await start();
    const error = await failure(rig.provider.deleteKey({ id: 'AIDAGONE', name: 'gone' }, 'AKNOSUCHKEY000000000'));
    expect(error.kind).toBe('not_found');
    expect(error.message).toContain('user with name gone');
  });

  it('has no MFA reset: the adapter lacks the capability, and makes no call', async () => {
    await start();
    expect(rig.provider).not.toHaveProperty('mfa');
    expect(rig.sim.server.requests).toHaveLength(0);
  });
});

describe('Outscale key creation is never blindly resent', () => {
  it('a 503 before the key exists: one attempt, unavailable, nothing to clean up', async () => {
    await start();
    afterListing({ type: 'status', status: 503 });

    const error = await failure(rig.provider.createKey(ci));
    expect(error).toMatchObject({ kind: 'unavailable', uncertain: false });
    expect(rig.actions()).toEqual(['ListAccessKeys', 'CreateAccessKey', 'ListAccessKeys']);
    expect(rig.sim.state.keysOf('ci')).toEqual([]);
  });

  it('a 503 after EIM created the key: one attempt, and the key whose secret was lost is deleted', async () => {
    await start();
    const kept = rig.sim.state.createKey('ci');
    afterListing({ type: 'status', status: 503, when: 'after' });

    const error = await failure(rig.provider.createKey(ci));
    expect(error.kind).toBe('unavailable');
    expect(rig.actions().filter((a) => a === 'CreateAccessKey')).toHaveLength(1);
    expect(rig.sim.state.keysOf('ci').map((k) => k.id)).toEqual([kept.id]);
  });

  it('a lost answer: the orphan key is deleted, the key created once more, and the log says so without secrets', async () => {
    await start();
    const kept = rig.sim.state.createKey('ci');
    afterListing(lose);

    const created = await rig.provider.createKey(ci);
    expect(rig.actions()).toEqual([
      'ListAccessKeys',
      'CreateAccessKey',
      'ListAccessKeys',
      'DeleteAccessKey',
      'CreateAccessKey',
    ]);
    const keys = rig.sim.state.keysOf('ci');
    expect(keys.map((k) => k.id).sort()).toEqual([kept.id, created.key.id].sort());
    expect(created.secret.reveal()).toBe(keys.find((k) => k.id === created.key.id)?.secret);

    const logs = rig.logs();
    expect(logs).toContain('nobody can ever see its secret');
    expect(logs).toContain('creating the key once more');
    for (const key of keys) expect(logs).not.toContain(key.secret);
  });

  it('a second lost answer is not followed by a third attempt: it fails as uncertain after cleaning up', async () => {
    await start();
    afterListing(lose, pass, pass, lose);

    const error = await failure(rig.provider.createKey(ci));
    expect(error).toMatchObject({ kind: 'unavailable', uncertain: true });
    expect(rig.actions().filter((a) => a === 'CreateAccessKey')).toHaveLength(2);
    expect(rig.sim.state.keysOf('ci')).toEqual([]);
  });

  it('when the clean-up itself fails, the creation is reported as uncertain for the caller to reconcile', async () => {
    await start();
    const down = { type: 'status', status: 503 } as const;
    afterListing(lose, down, down, down);

    const error = await failure(rig.provider.createKey(ci));
    expect(error).toMatchObject({ kind: 'unavailable', uncertain: true });
    expect(error.message).toContain('whether it left a new key behind is unknown');
    expect(rig.actions().filter((a) => a === 'CreateAccessKey')).toHaveLength(1);
    expect(rig.sim.state.keysOf('ci')).toHaveLength(1);
  });

  it('throttling proves EIM did not act, so a throttled create is retried, honouring Retry-After', async () => {
    await start();
    afterListing({ type: 'status', status: 429, retryAfterSeconds: 3 });

    const created = await rig.provider.createKey(ci);
    expect(rig.actions()).toEqual(['ListAccessKeys', 'CreateAccessKey', 'CreateAccessKey']);
    expect(rig.waits).toHaveLength(1);
    expect(rig.waits[0]).toBeGreaterThanOrEqual(3_000);
    expect(rig.sim.state.keysOf('ci').map((k) => k.id)).toEqual([created.key.id]);
  });

  it('a 400 Throttling answer (the AWS way) to a create is retried as well', async () => {
    await start();
    afterListing({ type: 'status', status: 400 });
    await rig.provider.createKey(ci);
    expect(rig.actions().filter((a) => a === 'CreateAccessKey')).toHaveLength(2);
  });
});
