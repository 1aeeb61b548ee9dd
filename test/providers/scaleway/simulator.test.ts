/** The simulator answers as the real service does: checked on the wire, without the adapter. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startScalewaySimulator, type ScalewaySimulator } from '../../../src/simulators/scaleway/index.ts';

let sim: ScalewaySimulator;

beforeEach(async () => {
  sim = await startScalewaySimulator({ apiKeyQuota: 5 });
});
afterEach(async () => {
  await sim.close();
});

async function call(method: string, path: string, options: { token?: string | null; body?: unknown } = {}) {
  const token = options.token === undefined ? sim.credentials.secretKey : options.token;
  const response = await fetch(`${sim.url}/iam/v1alpha1${path}`, {
    method,
    headers: {
      ...(token !== null && { 'x-auth-token': token }),
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

const org = () => `organization_id=${sim.organizationId}`;

describe('Scaleway simulator', () => {
  it('authenticates X-Auth-Token like Scaleway: missing or unknown secrets get 401 denied_authentication', async () => {
    expect(await call('GET', `/groups?${org()}`, { token: null })).toMatchObject({
      status: 401,
      body: { type: 'denied_authentication', method: 'api_key', reason: 'invalid_argument' },
    });
    expect(await call('GET', `/groups?${org()}`, { token: crypto.randomUUID() })).toMatchObject({
      status: 401,
      body: { type: 'denied_authentication', reason: 'not_found' },
    });
    // The access key is not a credential.
    expect((await call('GET', `/groups?${org()}`, { token: sim.credentials.accessKey })).status).toBe(401);
    expect((await call('GET', `/groups?${org()}`)).status).toBe(200);
  });

  it('answers exactly Content-Type: application/json with a request id, 204 with an empty body on deletes', async () => {
    const listed = await call('GET', `/users?${org()}`);
    expect(listed.headers.get('content-type')).toBe('application/json');
    expect(listed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const app = sim.state.addApplication({ name: 'tmp' });
    const key = sim.state.addApiKey({ bearer: { kind: 'application', id: app.id } });
    const deleted = await call('DELETE', `/api-keys/${key.accessKey}`);
    expect(deleted).toMatchObject({ status: 204, text: '' });
    expect(deleted.headers.get('content-type')).toBe('application/json');
    expect(await call('DELETE', `/api-keys/${key.accessKey}`)).toMatchObject({
      status: 404,
      body: { type: 'not_found', resource: 'access_key', resource_id: key.accessKey },
    });
  });

  it('requires organization_id on lists and caps page_size at 100', async () => {
    expect(await call('GET', '/groups')).toMatchObject({
      status: 400,
      body: { type: 'invalid_arguments', details: [{ argument_name: 'organization_id', reason: 'required' }] },
    });
    expect(await call('GET', `/users?${org()}&page_size=101`)).toMatchObject({
      status: 400,
      body: { type: 'invalid_arguments', details: [{ argument_name: 'page_size', reason: 'constraint' }] },
    });
    expect((await call('GET', `/users?${org()}&page_size=100`)).status).toBe(200);
  });

  it('paginates in creation order with total_count, with a default page size', async () => {
    for (let i = 0; i < 45; i++) sim.state.addUser({ email: `u${i}@example.com` });
    const first = await call('GET', `/users?${org()}`);
    expect(first.body).toMatchObject({ total_count: 45 });
    expect(first.body?.users).toHaveLength(20);
    const third = await call('GET', `/users?${org()}&page=3&page_size=20`);
    expect((third.body?.users as { email: string }[]).map((u) => u.email)).toEqual([
      'u40@example.com',
      'u41@example.com',
      'u42@example.com',
      'u43@example.com',
      'u44@example.com',
    ]);
    const past = await call('GET', `/users?${org()}&page=9&page_size=20`);
    expect(past.body).toEqual({ users: [], total_count: 45 });
  });

  it('filters groups by member with repeated user_ids, and users by MFA', async () => {
    const a = sim.state.addUser({ email: 'a@example.com', mfa: true });
    const b = sim.state.addUser({ email: 'b@example.com' });
    sim.state.addGroup({ name: 'g1', userIds: [a.id] });
    sim.state.addGroup({ name: 'g2', userIds: [b.id] });
    sim.state.addGroup({ name: 'g3' });
    const groups = await call('GET', `/groups?${org()}&user_ids=${a.id}&user_ids=${b.id}`);
    expect((groups.body?.groups as { name: string }[]).map((g) => g.name)).toEqual(['g1', 'g2']);
    const withMfa = await call('GET', `/users?${org()}&mfa=true`);
    expect((withMfa.body?.users as { id: string }[]).map((u) => u.id)).toEqual([a.id]);
  });

  it('answers membership edits as recorded: Group on success, 404 with an empty resource for a non-member', async () => {
    const user = sim.state.addUser({ email: 'c@example.com' });
    const group = sim.state.addGroup({ name: 'g' });
    const added = await call('POST', `/groups/${group.id}/add-member`, { body: { user_id: user.id } });
    expect(added).toMatchObject({ status: 200, body: { id: group.id, user_ids: [user.id], application_ids: [] } });
    expect(
      await call('POST', `/groups/${group.id}/add-member`, { body: { user_id: user.id, application_id: user.id } }),
    ).toMatchObject({
      status: 400,
      body: { type: 'invalid_arguments' },
    });
    await call('POST', `/groups/${group.id}/remove-member`, { body: { user_id: user.id } });
    expect(await call('POST', `/groups/${group.id}/remove-member`, { body: { user_id: user.id } })).toMatchObject({
      status: 404,
      body: { message: 'resource is not found', resource: '', resource_id: user.id, type: 'not_found' },
    });
  });

  it('refuses a second add of a member with already_exists, help_message included, or accepts it when told to', async () => {
    const user = sim.state.addUser({ email: 'd@example.com' });
    const group = sim.state.addGroup({ name: 'g', userIds: [user.id] });
    const again = await call('POST', `/groups/${group.id}/add-member`, { body: { user_id: user.id } });
    expect(again).toMatchObject({ status: 409, body: { type: 'already_exists', resource: '', resource_id: user.id } });
    // The official SDKs type this error only with all of resource, resource_id and help_message.
    expect(Object.keys(again.body ?? {}).sort()).toEqual([
      'help_message',
      'message',
      'resource',
      'resource_id',
      'type',
    ]);

    await sim.close();
    sim = await startScalewaySimulator({ duplicateMember: 'accept' });
    const other = sim.state.addUser({ email: 'e@example.com' });
    const accepting = sim.state.addGroup({ name: 'g', userIds: [other.id] });
    const accepted = await call('POST', `/groups/${accepting.id}/add-member`, { body: { user_id: other.id } });
    expect(accepted).toMatchObject({ status: 200, body: { id: accepting.id, user_ids: [other.id] } });
  });

  it('answers one forced group edit with 409 transient_state and leaves the group unchanged', async () => {
    const user = sim.state.addUser({ email: 'd@example.com' });
    const group = sim.state.addGroup({ name: 'g' });
    sim.forceTransientState();
    expect(await call('POST', `/groups/${group.id}/add-member`, { body: { user_id: user.id } })).toMatchObject({
      status: 409,
      body: { type: 'transient_state', resource: 'group', resource_id: group.id, current_state: 'updating' },
    });
    expect(sim.state.group(group.id)?.userIds).toEqual([]);
    expect((await call('POST', `/groups/${group.id}/add-member`, { body: { user_id: user.id } })).status).toBe(200);
  });

  it('shows a secret key only when the key is created, and enforces the API key quota', async () => {
    const app = sim.state.addApplication({ name: 'ci' });
    const created = await call('POST', '/api-keys', { body: { application_id: app.id, description: 'rotation' } });
    expect(created.body).toMatchObject({
      access_key: expect.stringMatching(/^SCW[A-Z0-9]{17}$/),
      secret_key: expect.stringMatching(/^[0-9a-f-]{36}$/),
      application_id: app.id,
    });
    expect(created.body).not.toHaveProperty('user_id');
    const read = await call('GET', `/api-keys/${String(created.body?.access_key)}`);
    expect(read.body).toMatchObject({ secret_key: null });

    // Quota 5: the two seeded credentials, the key above, and two more.
    await call('POST', '/api-keys', { body: { application_id: app.id, description: '' } });
    await call('POST', '/api-keys', { body: { application_id: app.id, description: '' } });
    expect(await call('POST', '/api-keys', { body: { application_id: app.id, description: '' } })).toMatchObject({
      status: 403,
      body: { type: 'quotas_exceeded', details: [{ resource: 'api_keys', quota: 5, current: 5 }] },
    });
  });

  it('refuses keys for another user, and writes by read-only credentials', async () => {
    const user = sim.state.addUser({ email: 'e@example.com' });
    expect(await call('POST', '/api-keys', { body: { user_id: user.id, description: '' } })).toMatchObject({
      status: 403,
      body: { type: 'permissions_denied' },
    });
    const group = sim.state.addGroup({ name: 'g' });
    const token = sim.readOnlyCredentials.secretKey;
    expect((await call('GET', `/groups/${group.id}`, { token })).status).toBe(200);
    expect(await call('POST', `/groups/${group.id}/add-member`, { token, body: { user_id: user.id } })).toMatchObject({
      status: 403,
      body: { type: 'permissions_denied', details: [{ action: 'write', resource: 'iam_group' }] },
    });
  });

  it('resets MFA with DELETE /users/{id}/mfa-otp', async () => {
    const user = sim.state.addUser({ email: 'f@example.com', mfa: true });
    expect(await call('DELETE', `/users/${user.id}/mfa-otp`, { body: {} })).toMatchObject({ status: 204, text: '' });
    expect(await call('GET', `/users/${user.id}`)).toMatchObject({ body: { mfa: false, two_factor_enabled: false } });
  });

  it('renders injected 429s as too_many_requests with reset_seconds', async () => {
    sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 4 });
    const throttled = await call('GET', `/groups?${org()}`);
    expect(throttled).toMatchObject({ status: 429, body: { type: 'too_many_requests', reset_seconds: 4 } });
    expect(throttled.headers.get('retry-after')).toBe('4');
  });
});
