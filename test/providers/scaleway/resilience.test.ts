import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RESET_SECONDS } from '../../../src/simulators/scaleway/errors.ts';
import type { PrincipalRef } from '../../../src/workflow/ports.ts';
import { failure, requestsTo, startRig, type Rig } from './support.ts';

let rig: Rig;

beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => {
  await rig.close();
});

async function application(name: string): Promise<{ id: string; principal: PrincipalRef }> {
  const app = rig.sim.state.addApplication({ name });
  return { id: app.id, principal: await rig.provider.resolvePrincipal(name, 'service') };
}

describe('Scaleway adapter: retries', () => {
  it("waits the body's reset_seconds when a 429 has no Retry-After", async () => {
    rig.sim.server.inject({ type: 'status', status: 429 }, 1);
    await rig.provider.listGroups();
    expect(rig.waits).toEqual([expect.any(Number)]);
    expect(rig.waits[0]).toBeGreaterThanOrEqual(DEFAULT_RESET_SECONDS * 1_000);
  });

  it('retries a membership change whose answer was lost: resending it is harmless', async () => {
    const user = rig.sim.state.addUser({ email: 'kim@example.com' });
    const group = rig.sim.state.addGroup({ name: 'sre' });
    const kim = await rig.provider.resolvePrincipal(user.email);
    rig.sim.server.inject({ type: 'drop', when: 'after' }, 1);

    await rig.provider.addMember(group.id, kim);
    expect(requestsTo(rig.sim, 'POST', `/groups/${group.id}/add-member`)).toHaveLength(2);
    expect(rig.sim.state.group(group.id)?.userIds).toEqual([user.id]);
  });
});

describe('Scaleway adapter: key creation is never sent twice blindly', () => {
  it('after a 503 before the key was made: checks, finds nothing to clean, creates once more', async () => {
    const { id, principal } = await application('ci');
    rig.sim.server.inject({ type: 'status', status: 503 }, 1);

    const created = await rig.provider.createKey(principal);
    expect(requestsTo(rig.sim, 'POST', '/api-keys')).toHaveLength(2);
    expect(requestsTo(rig.sim, 'DELETE', /^\/api-keys\//)).toHaveLength(0);
    expect(rig.sim.state.keysOf(id).map((k) => k.accessKey)).toEqual([created.key.id]);
  });

  it.each([
    ['a 503 replacing the answer', { type: 'status', status: 503, when: 'after' } as const],
    ['a dropped connection after the key was made', { type: 'drop', when: 'after' } as const],
  ])('after %s: deletes the orphan whose secret was lost, then creates once more', async (_name, fault) => {
    const { id, principal } = await application('ci');
    rig.sim.server.inject(fault, 1);

    const created = await rig.provider.createKey(principal);
    const posts = requestsTo(rig.sim, 'POST', '/api-keys');
    expect(posts).toHaveLength(2);
    const deletes = requestsTo(rig.sim, 'DELETE', /^\/api-keys\//);
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.path).not.toContain(created.key.id);
    const keys = rig.sim.state.keysOf(id);
    expect(keys.map((k) => k.accessKey)).toEqual([created.key.id]);
    expect(keys[0]?.secretKey).toBe(created.secret.reveal());
    expect(rig.logs()).toContain('deleted an API key whose creation answer was lost');
    expect(rig.logs()).toContain('creating the key once more');
  });

  it('leaves the keys of others alone while cleaning up', async () => {
    const { id, principal } = await application('ci');
    const existing = rig.sim.state.addApiKey({
      bearer: { kind: 'application', id },
      description: 'iam-bot rotation older',
    });
    rig.sim.server.inject({ type: 'drop', when: 'after' }, 1);

    const created = await rig.provider.createKey(principal);
    expect(
      rig.sim.state
        .keysOf(id)
        .map((k) => k.accessKey)
        .sort(),
    ).toEqual([existing.accessKey, created.key.id].sort());
  });

  it('gives up after a second lost answer, leaving no unusable key behind', async () => {
    const { id, principal } = await application('ci');
    // Faults meet requests in order: lose the answers of the first creation and of the one after the
    // clean-up (its list and delete pass through a no-op fault).
    rig.sim.server.inject({ type: 'drop', when: 'after' }, 1);
    rig.sim.server.inject({ type: 'latency', ms: 0 }, 2);
    rig.sim.server.inject({ type: 'drop', when: 'after' }, 1);

    const error = await failure(rig.provider.createKey(principal));
    expect(error).toMatchObject({
      kind: 'unavailable',
      uncertain: false,
      message: expect.stringContaining('lost twice'),
    });
    expect(requestsTo(rig.sim, 'POST', '/api-keys')).toHaveLength(2);
    expect(rig.sim.state.keysOf(id)).toEqual([]);
  });

  it('reports the creation as uncertain when the clean-up cannot look', async () => {
    const { id, principal } = await application('ci');
    rig.sim.server.inject({ type: 'drop', when: 'after' }, 1);
    rig.sim.server.inject({ type: 'status', status: 503 }, 3);

    const error = await failure(rig.provider.createKey(principal));
    expect(error).toMatchObject({
      kind: 'unavailable',
      uncertain: true,
      message: expect.stringContaining('iam-bot rotation'),
    });
    const [left] = rig.sim.state.keysOf(id);
    expect((error as Error).message).toContain(left?.description);
    expect(requestsTo(rig.sim, 'POST', '/api-keys')).toHaveLength(1);
  });

  it('retries a throttled creation: a 429 proves nothing was made', async () => {
    const { id, principal } = await application('ci');
    rig.sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 1 }, 1);

    await rig.provider.createKey(principal);
    expect(requestsTo(rig.sim, 'POST', '/api-keys')).toHaveLength(2);
    expect(requestsTo(rig.sim, 'GET', '/api-keys')).toHaveLength(0);
    expect(rig.sim.state.keysOf(id)).toHaveLength(1);
  });
});

describe('Scaleway adapter: error kinds', () => {
  it('maps a refused secret key to unauthorized, with the request id', async () => {
    const stranger = rig.connect({ accessKey: 'SCWAAAAAAAAAAAAAAAAA', secretKey: crypto.randomUUID() });
    const error = await failure(stranger.probe());
    expect(error).toMatchObject({
      kind: 'unauthorized',
      providerRequestId: expect.any(String),
      message: expect.stringContaining('not_found'),
    });
    expect(rig.sim.server.requests).toHaveLength(1);
  });

  it('maps an expired key to unauthorized', async () => {
    const app = rig.sim.state.addApplication({ name: 'old', access: 'manager' });
    const expired = rig.sim.state.addApiKey({
      bearer: { kind: 'application', id: app.id },
      expiresAt: '2021-01-01T00:00:00Z',
    });
    expect(await failure(rig.connect(expired).probe())).toMatchObject({
      kind: 'unauthorized',
      message: expect.stringContaining('expired'),
    });
  });

  it('maps missing permissions to forbidden', async () => {
    const user = rig.sim.state.addUser({ email: 'lea@example.com' });
    const group = rig.sim.state.addGroup({ name: 'admins' });
    const readOnly = rig.connect(rig.sim.readOnlyCredentials);
    const lea = await readOnly.resolvePrincipal(user.email);

    const error = await failure(readOnly.addMember(group.id, lea));
    expect(error).toMatchObject({
      kind: 'forbidden',
      providerRequestId: expect.any(String),
      message: expect.stringContaining('write iam_group'),
    });
    expect(rig.sim.state.group(group.id)?.userIds).toEqual([]);
  });

  it('maps rejected arguments to invalid_request, naming the argument', async () => {
    const group = rig.sim.state.addGroup({ name: 'admins' });
    const error = await failure(rig.provider.addMember(group.id, { id: 'not-an-id', name: 'typo' }));
    expect(error).toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('user_id format') });
  });

  it('maps a foreign Organization to forbidden', async () => {
    const elsewhere = rig.connect(rig.sim.credentials, { organizationId: crypto.randomUUID() });
    expect(await failure(elsewhere.listGroups())).toMatchObject({ kind: 'forbidden' });
  });
});

describe('Scaleway adapter: connections and secrets', () => {
  it('never logs a secret, through retries, errors and orphan clean-up', async () => {
    const { principal } = await application('ci');
    rig.sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 1 }, 1);
    rig.sim.server.inject({ type: 'drop', when: 'after' }, 1);
    const created = await rig.provider.createKey(principal);
    const refused = await failure(
      rig.connect({ accessKey: 'SCWBBBBBBBBBBBBBBBBB', secretKey: crypto.randomUUID() }).probe(),
    );

    const logs = rig.logs();
    expect(logs).toContain('provider call will be retried');
    expect(logs).toContain('deleted an API key whose creation answer was lost');
    const secrets = [
      rig.sim.credentials.secretKey,
      created.secret.reveal(),
      ...rig.sim.state.apiKeys.map((k) => k.secretKey),
    ];
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(String((refused as Error).message)).not.toContain(secret);
    }
    expect(JSON.stringify(created)).not.toContain(created.secret.reveal());
  });
});
