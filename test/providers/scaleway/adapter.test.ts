import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capabilitiesOf, ProviderError } from '../../../src/workflow/ports.ts';
import { failure, requestsTo, startRig, type Rig } from './support.ts';

let rig: Rig;

beforeEach(async () => {
  rig = await startRig({ simulator: { apiKeyQuota: 500 } });
});
afterEach(async () => {
  await rig.close();
});

describe('Scaleway adapter: groups and principals', () => {
  it('declares every capability', () => {
    expect(capabilitiesOf(rig.provider)).toEqual({ groups: true, keys: 'create', mfa: true });
    expect(rig.provider.type).toBe('scaleway');
  });

  it('probes with one read and returns the request id', async () => {
    const result = await rig.provider.probe();
    expect(result.providerRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(rig.sim.server.requests).toHaveLength(1);
    expect(rig.sim.server.requests[0]).toMatchObject({ method: 'GET', path: '/iam/v1alpha1/groups' });
  });

  it('lists every group over several pages, and filters by any part of the name', async () => {
    for (let i = 0; i < 130; i++) rig.sim.state.addGroup({ name: `team-${String(i).padStart(3, '0')}` });
    rig.sim.state.addGroup({ name: 'Platform-Ops' });

    const all = await rig.provider.listGroups();
    expect(all).toHaveLength(131);
    expect(new Set(all.map((g) => g.id)).size).toBe(131);
    const pages = requestsTo(rig.sim, 'GET', '/groups').map((r) => [r.query.get('page'), r.query.get('page_size')]);
    expect(pages).toEqual([
      ['1', '100'],
      ['2', '100'],
    ]);

    expect(await rig.provider.listGroups('ops')).toEqual([{ id: expect.any(String), name: 'Platform-Ops' }]);
  });

  it('finds a user by email case-insensitively by paging, as there is no email filter', async () => {
    for (let i = 0; i < 150; i++) rig.sim.state.addUser({ email: `user${i}@example.com` });
    const alice = rig.sim.state.addUser({ email: 'Alice.Martin@Example.com', username: 'amartin' });

    expect(await rig.provider.resolvePrincipal('alice.martin@example.com')).toEqual({
      id: alice.id,
      name: alice.email,
    });
    expect(requestsTo(rig.sim, 'GET', '/users').map((r) => r.query.get('page'))).toEqual(['1', '2']);
    expect(await rig.provider.resolvePrincipal('AMARTIN')).toEqual({ id: alice.id, name: alice.email });
    expect(await rig.provider.resolvePrincipal(alice.id)).toEqual({ id: alice.id, name: alice.email });
    expect(await failure(rig.provider.resolvePrincipal('nobody@example.com'))).toMatchObject({ kind: 'not_found' });
  });

  it('finds an application (the service principal of a key rotation) by exact name or id', async () => {
    const ci = rig.sim.state.addApplication({ name: 'ci' });
    rig.sim.state.addApplication({ name: 'ci-staging' });

    expect(await rig.provider.resolvePrincipal('ci', 'service')).toEqual({ id: ci.id, name: 'ci' });
    expect(await rig.provider.resolvePrincipal(ci.id, 'service')).toEqual({ id: ci.id, name: 'ci' });
    expect(await failure(rig.provider.resolvePrincipal('deploy', 'service'))).toMatchObject({ kind: 'not_found' });

    rig.sim.state.addApplication({ name: 'ci' });
    expect(await failure(rig.provider.resolvePrincipal('ci', 'service'))).toMatchObject({ kind: 'invalid_request' });
  });

  it('adds and removes a user, by group name or id, reading membership back', async () => {
    const user = rig.sim.state.addUser({ email: 'bob@example.com' });
    const group = rig.sim.state.addGroup({ name: 'admins' });
    const bob = await rig.provider.resolvePrincipal('bob@example.com');

    expect(await rig.provider.isMember('admins', bob)).toBe(false);
    const added = await rig.provider.addMember('admins', bob);
    expect(added.providerRequestId).toBeDefined();
    expect(rig.sim.state.group(group.id)?.userIds).toEqual([user.id]);
    expect(await rig.provider.isMember(group.id, bob)).toBe(true);
    expect(requestsTo(rig.sim, 'POST', `/groups/${group.id}/add-member`)[0]?.body).toBe(
      JSON.stringify({ user_id: user.id }),
    );

    await rig.provider.removeMember(group.id, bob);
    expect(rig.sim.state.group(group.id)?.userIds).toEqual([]);
    expect(await rig.provider.isMember('admins', bob)).toBe(false);
  });

  // docs/providers/scaleway.md [guess]: a duplicate add may be refused (409 already_exists) or accepted; done either way.
  for (const duplicateMember of ['refuse', 'accept'] as const) {
    it(`treats adding an existing member and removing a non-member as done (duplicate add: ${duplicateMember})`, async () => {
      await rig.close();
      rig = await startRig({ simulator: { duplicateMember } });
      const user = rig.sim.state.addUser({ email: 'carol@example.com' });
      const group = rig.sim.state.addGroup({ name: 'devs', userIds: [user.id] });
      const carol = await rig.provider.resolvePrincipal(user.email);

      await expect(rig.provider.addMember('devs', carol)).resolves.toMatchObject({
        providerRequestId: expect.any(String),
      });
      expect(rig.sim.state.group(group.id)?.userIds).toEqual([user.id]);

      await rig.provider.removeMember('devs', carol);
      await expect(rig.provider.removeMember('devs', carol)).resolves.toMatchObject({
        providerRequestId: expect.any(String),
      });
      expect(requestsTo(rig.sim, 'POST', `/groups/${group.id}/remove-member`)).toHaveLength(2);
    });
  }

  it('adds an application with application_id', async () => {
    const app = rig.sim.state.addApplication({ name: 'deployer' });
    const group = rig.sim.state.addGroup({ name: 'deployers' });
    const deployer = await rig.provider.resolvePrincipal('deployer', 'service');

    await rig.provider.addMember(group.id, deployer);
    expect(rig.sim.state.group(group.id)?.applicationIds).toEqual([app.id]);
    expect(await rig.provider.isMember(group.id, deployer)).toBe(true);
    expect(requestsTo(rig.sim, 'POST', `/groups/${group.id}/add-member`)[0]?.body).toBe(
      JSON.stringify({ application_id: app.id }),
    );
  });

  it('works out whether a principal it did not resolve is a user or an application', async () => {
    const app = rig.sim.state.addApplication({ name: 'robot' });
    const group = rig.sim.state.addGroup({ name: 'robots' });
    const fresh = rig.connect();

    await fresh.addMember(group.id, { id: app.id, name: 'robot' });
    expect(rig.sim.state.group(group.id)?.applicationIds).toEqual([app.id]);
    expect(await failure(fresh.addMember(group.id, { id: crypto.randomUUID(), name: 'ghost' }))).toMatchObject({
      kind: 'not_found',
    });
  });

  it('retries a group edit that meets a concurrent one (409 transient_state)', async () => {
    const user = rig.sim.state.addUser({ email: 'dan@example.com' });
    const group = rig.sim.state.addGroup({ name: 'ops' });
    const dan = await rig.provider.resolvePrincipal(user.email);
    rig.sim.forceTransientState(1);

    await rig.provider.addMember(group.id, dan);
    expect(requestsTo(rig.sim, 'POST', `/groups/${group.id}/add-member`)).toHaveLength(2);
    expect(rig.sim.state.group(group.id)?.userIds).toEqual([user.id]);
    expect(rig.waits).toHaveLength(1);
  });

  it('reports a group that stays busy as unavailable', async () => {
    const user = rig.sim.state.addUser({ email: 'erin@example.com' });
    const group = rig.sim.state.addGroup({ name: 'busy' });
    const erin = await rig.provider.resolvePrincipal(user.email);
    rig.sim.forceTransientState(10);

    const error = await failure(rig.provider.addMember(group.id, erin));
    expect(error).toMatchObject({ kind: 'unavailable', message: expect.stringContaining('transient') });
    expect(requestsTo(rig.sim, 'POST', `/groups/${group.id}/add-member`)).toHaveLength(3);
  });

  it('reports an unknown group as not found, with the request id', async () => {
    const user = rig.sim.state.addUser({ email: 'fay@example.com' });
    const fay = await rig.provider.resolvePrincipal(user.email);
    const missing = crypto.randomUUID();

    expect(await failure(rig.provider.addMember(missing, fay))).toMatchObject({
      kind: 'not_found',
      providerRequestId: expect.any(String),
    });
    expect(await failure(rig.provider.isMember('no-such-group', fay))).toMatchObject({ kind: 'not_found' });
  });
});

describe('Scaleway adapter: API keys', () => {
  it('lists the keys of an application over several pages, expired ones as inactive', async () => {
    const app = rig.sim.state.addApplication({ name: 'batch' });
    for (let i = 0; i < 120; i++) rig.sim.state.addApiKey({ bearer: { kind: 'application', id: app.id } });
    const expired = rig.sim.state.addApiKey({
      bearer: { kind: 'application', id: app.id },
      expiresAt: '2020-01-01T00:00:00Z',
    });
    const batch = await rig.provider.resolvePrincipal('batch', 'service');

    const keys = await rig.provider.listKeys(batch);
    expect(keys).toHaveLength(121);
    expect(keys.find((k) => k.id === expired.accessKey)?.status).toBe('inactive');
    expect(keys.filter((k) => k.status === 'active')).toHaveLength(120);
    const listed = requestsTo(rig.sim, 'GET', '/api-keys');
    expect(listed).toHaveLength(2);
    expect(listed[0]?.query.get('bearer_id')).toBe(app.id);
    expect(listed[0]?.query.get('bearer_type')).toBe('application');
  });

  it('creates a key for an application and returns its secret wrapped', async () => {
    const app = rig.sim.state.addApplication({ name: 'ci' });
    const ci = await rig.provider.resolvePrincipal('ci', 'service');

    const created = await rig.provider.createKey(ci);
    const stored = rig.sim.state.keysOf(app.id);
    expect(stored).toHaveLength(1);
    expect(created.key).toMatchObject({ id: stored[0]?.accessKey, status: 'active' });
    expect(created.secret.reveal()).toBe(stored[0]?.secretKey);
    expect(String(created.secret)).toBe('[redacted]');
    expect(created.providerRequestId).toBeDefined();
    const [post] = requestsTo(rig.sim, 'POST', '/api-keys');
    expect(JSON.parse(post?.body ?? '')).toEqual({
      application_id: app.id,
      description: expect.stringMatching(/^iam-bot rotation /),
    });
  });

  it('creates a key for the user who owns the credentials', async () => {
    const user = rig.sim.state.addUser({ email: 'ops@example.com', access: 'manager' });
    const own = rig.sim.state.addApiKey({ bearer: { kind: 'user', id: user.id } });
    const provider = rig.connect(own);
    const me = await provider.resolvePrincipal(user.email);

    const created = await provider.createKey(me);
    expect(rig.sim.state.keysOf(user.id).map((k) => k.accessKey)).toContain(created.key.id);
  });

  it('refuses a key for another user as forbidden, saying why', async () => {
    const user = rig.sim.state.addUser({ email: 'gus@example.com' });
    const gus = await rig.provider.resolvePrincipal(user.email);

    const error = await failure(rig.provider.createKey(gus));
    expect(error).toMatchObject({
      kind: 'forbidden',
      message: expect.stringContaining('own user or for applications'),
    });
    expect(rig.sim.state.keysOf(user.id)).toHaveLength(0);
  });

  it('fails as limit_exceeded at the key quota, naming the limit', async () => {
    await rig.close();
    rig = await startRig({ simulator: { apiKeyQuota: 4 } });
    const app = rig.sim.state.addApplication({ name: 'full' });
    rig.sim.state.addApiKey({ bearer: { kind: 'application', id: app.id } });
    rig.sim.state.addApiKey({ bearer: { kind: 'application', id: app.id } });
    const full = await rig.provider.resolvePrincipal('full', 'service');

    const error = await failure(rig.provider.createKey(full));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      kind: 'limit_exceeded',
      message: expect.stringContaining('at most 4 api_keys (4 in use)'),
      providerRequestId: expect.any(String),
    });
    expect(requestsTo(rig.sim, 'POST', '/api-keys')).toHaveLength(1);
  });

  it('cannot deactivate a key: Scaleway only deletes them', async () => {
    const app = rig.sim.state.addApplication({ name: 'ci' });
    const key = rig.sim.state.addApiKey({ bearer: { kind: 'application', id: app.id } });
    expect(rig.provider.keys).toMatchObject({ style: 'create' });
    expect(rig.provider.keys.deactivateKey).toBeUndefined();
    expect(rig.sim.state.apiKey(key.accessKey)).toBeDefined();
  });

  it("deletes a key of the principal, counts a deleted key as done, and never deletes another's key", async () => {
    const app = rig.sim.state.addApplication({ name: 'ci' });
    const other = rig.sim.state.addApplication({ name: 'other' });
    const key = rig.sim.state.addApiKey({ bearer: { kind: 'application', id: app.id } });
    const foreign = rig.sim.state.addApiKey({ bearer: { kind: 'application', id: other.id } });
    const ci = await rig.provider.resolvePrincipal('ci', 'service');

    await expect(rig.provider.deleteKey(ci, key.accessKey)).resolves.toMatchObject({
      providerRequestId: expect.any(String),
    });
    expect(rig.sim.state.apiKey(key.accessKey)).toBeUndefined();
    await expect(rig.provider.deleteKey(ci, key.accessKey)).resolves.toBeDefined();

    expect(await failure(rig.provider.deleteKey(ci, foreign.accessKey))).toMatchObject({ kind: 'invalid_request' });
    expect(rig.sim.state.apiKey(foreign.accessKey)).toBeDefined();
  });

  it('never deletes the key it authenticates with', async () => {
    const bot = await rig.provider.resolvePrincipal('iam-bot', 'service');
    const error = await failure(rig.provider.deleteKey(bot, rig.sim.credentials.accessKey));
    expect(error).toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('lock the bot out') });
    expect(rig.sim.state.apiKey(rig.sim.credentials.accessKey)).toBeDefined();
  });
});

describe('Scaleway adapter: MFA reset', () => {
  it('deletes the MFA OTP of a user who has one', async () => {
    const user = rig.sim.state.addUser({ email: 'hal@example.com', mfa: true });
    const hal = await rig.provider.resolvePrincipal(user.email);

    const result = await rig.provider.resetMfa(hal);
    expect(result.providerRequestId).toBeDefined();
    expect(rig.sim.state.user(user.id)?.mfa).toBe(false);
    const [reset] = requestsTo(rig.sim, 'DELETE', `/users/${user.id}/mfa-otp`);
    expect(reset?.body).toBe('{}');
    expect(reset?.headers['content-type']).toBe('application/json');
  });

  it('leaves a user without MFA as is, and refuses an application', async () => {
    const user = rig.sim.state.addUser({ email: 'ivy@example.com', mfa: false });
    await rig.provider.resetMfa(await rig.provider.resolvePrincipal(user.email));
    expect(requestsTo(rig.sim, 'DELETE', `/users/${user.id}/mfa-otp`)).toHaveLength(0);

    rig.sim.state.addApplication({ name: 'bot' });
    const bot = await rig.provider.resolvePrincipal('bot', 'service');
    expect(await failure(rig.provider.resetMfa(bot))).toMatchObject({ kind: 'invalid_request' });
  });
});
