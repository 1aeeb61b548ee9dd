/** The simulator's own answers, checked on the raw wire: what the adapter tests rely on being real. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCloudflareSimulator, type CloudflareSimulator } from '../../../src/simulators/cloudflare/index.ts';

let sim: CloudflareSimulator;
beforeEach(async () => {
  sim = await startCloudflareSimulator();
});
afterEach(async () => {
  await sim.close();
});

async function call(method: string, path: string, options: { body?: string; authorization?: string | null } = {}) {
  const headers: Record<string, string> = {};
  const authorization = options.authorization === undefined ? `Bearer ${sim.credentials.token}` : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${sim.url}/accounts/${sim.accountId}${path}`, {
    method,
    headers,
    body: options.body ?? null,
  });
  return {
    status: response.status,
    ray: response.headers.get('cf-ray'),
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const codes = (body: Record<string, unknown>) => (body.errors as { code: number }[]).map((e) => e.code);

describe('Cloudflare simulator', () => {
  it('answers in the v4 envelope with a cf-ray and result_info', async () => {
    sim.state.addGroup('admins');
    const answer = await call('GET', '/iam/user_groups');
    expect(answer.status).toBe(200);
    expect(answer.ray).toMatch(/^[0-9a-f]{16}-SIM$/);
    expect(answer.body).toMatchObject({
      success: true,
      errors: [],
      messages: [],
      result: [{ name: 'admins' }],
      result_info: { page: 1, per_page: 100, count: 1, total_count: 1 },
    });
  });

  it('refuses missing, malformed and unknown credentials as Cloudflare does', async () => {
    const missing = await call('GET', '/iam/user_groups', { authorization: null });
    expect([missing.status, codes(missing.body)]).toEqual([400, [9106]]);
    const malformed = await call('GET', '/iam/user_groups', { authorization: `Token ${sim.credentials.token}` });
    expect([malformed.status, codes(malformed.body)]).toEqual([400, [6003]]);
    expect(malformed.body.errors).toEqual([
      {
        code: 6003,
        message: 'Invalid request headers',
        error_chain: [{ code: 6111, message: 'Invalid format for Authorization header' }],
      },
    ]);
    const unknown = await call('GET', '/iam/user_groups', { authorization: `Bearer ${'z'.repeat(40)}` });
    expect([unknown.status, codes(unknown.body)]).toEqual([401, [10000]]);
    const disabled = sim.state.addToken('old', { access: 'write', status: 'disabled' });
    expect((await call('GET', '/iam/user_groups', { authorization: `Bearer ${disabled.value}` })).status).toBe(401);
  });

  it('answers malformed ids and unknown routes with 7003 and 7000', async () => {
    const answer = await call('GET', '/iam/user_groups/not-an-id/members');
    expect([answer.status, codes(answer.body)]).toEqual([400, [7003, 7000]]);
    expect((await call('GET', '/iam/nothing')).status).toBe(400);
  });

  it('answers an unknown group with 404', async () => {
    const answer = await call('GET', `/iam/user_groups/${'f'.repeat(32)}/members`);
    expect([answer.status, answer.body.success]).toEqual([404, false]);
  });

  it('enforces per_page bounds and answers [] past the last page', async () => {
    for (let i = 0; i < 7; i++) sim.state.addMember(`m${i}@example.com`);
    const last = await call('GET', '/members?page=2&per_page=5');
    expect(last.body).toMatchObject({ result_info: { page: 2, per_page: 5, count: 2, total_count: 7 } });
    const past = await call('GET', '/members?page=3&per_page=5');
    expect(past.body).toMatchObject({ success: true, result: [], result_info: { count: 0, total_count: 7 } });
  });

  it('gives each list its own documented per_page bounds and default', async () => {
    const group = sim.state.addGroup('admins');
    // Cloudflare's OpenAPI schema: members and tokens 5..50 (default 20), user groups and their members 1..500 (default 100).
    const lists = [
      { path: '/members', min: 5, max: 50, fallback: 20 },
      { path: '/tokens', min: 5, max: 50, fallback: 20 },
      { path: '/iam/user_groups', min: 1, max: 500, fallback: 100 },
      { path: `/iam/user_groups/${group.id}/members`, min: 1, max: 500, fallback: 100 },
    ];
    for (const { path, min, max, fallback } of lists) {
      const statuses = await Promise.all(
        [min - 1, min, max, max + 1].map(async (n) => (await call('GET', `${path}?per_page=${n}`)).status),
      );
      expect({ path, statuses }).toEqual({ path, statuses: [400, 200, 200, 400] });
      expect((await call('GET', path)).body).toMatchObject({ result_info: { per_page: fallback } });
    }
  });

  it('orders account members by email when asked, and rejects unknown orders', async () => {
    sim.state.addMember('zed@example.com');
    sim.state.addMember('amy@example.com');
    const answer = await call('GET', '/members?order=user.email');
    expect((answer.body.result as { user: { email: string } }[]).map((m) => m.user.email)).toEqual([
      'amy@example.com',
      'zed@example.com',
    ]);
    expect((await call('GET', '/members?order=email')).status).toBe(400);
  });

  it('takes members only as a bare array of account membership ids, and refuses a duplicate', async () => {
    const group = sim.state.addGroup('admins');
    const alice = sim.state.addMember('alice@example.com');
    const path = `/iam/user_groups/${group.id}/members`;
    expect((await call('POST', path, { body: JSON.stringify({ members: [{ id: alice.id }] }) })).status).toBe(400);
    expect((await call('POST', path, { body: '[]' })).status).toBe(400);
    expect((await call('POST', path, { body: JSON.stringify([{ id: alice.userId.toUpperCase() }]) })).status).toBe(400);
    expect((await call('POST', path, { body: JSON.stringify([{ id: alice.userId }]) })).status).toBe(404);
    const added = await call('POST', path, { body: JSON.stringify([{ id: alice.id }]) });
    expect(added.body).toMatchObject({
      success: true,
      result: [{ id: alice.id, email: 'alice@example.com', status: 'accepted' }],
    });
    expect((await call('POST', path, { body: JSON.stringify([{ id: alice.id }]) })).status).toBe(409);
    expect(sim.state.groupMembers(group.id)).toEqual([alice.id]);
    expect((await call('DELETE', `${path}/${alice.id}`)).status).toBe(200);
    expect((await call('DELETE', `${path}/${alice.id}`)).status).toBe(404);
  });

  it('replaces the members of a group with PUT', async () => {
    const group = sim.state.addGroup('admins');
    const [a, b] = [sim.state.addMember('a@example.com'), sim.state.addMember('b@example.com')];
    sim.state.addToGroup(group.id, a.id);
    const answer = await call('PUT', `/iam/user_groups/${group.id}/members`, { body: JSON.stringify([{ id: b.id }]) });
    expect(answer.body).toMatchObject({ result: [{ id: b.id }] });
    expect(sim.state.groupMembers(group.id)).toEqual([b.id]);
  });

  it('lets a read-only token read but not write', async () => {
    const group = sim.state.addGroup('admins');
    const alice = sim.state.addMember('alice@example.com');
    const reader = `Bearer ${sim.credentials.readOnlyToken}`;
    expect((await call('GET', `/iam/user_groups/${group.id}`, { authorization: reader })).status).toBe(200);
    const write = await call('POST', `/iam/user_groups/${group.id}/members`, {
      authorization: reader,
      body: JSON.stringify([{ id: alice.id }]),
    });
    expect([write.status, codes(write.body)]).toEqual([403, [10000]]);
  });

  it('rolls a token with an empty body or {}, never showing values in listings', async () => {
    const ci = sim.state.addToken('ci');
    const first = await call('PUT', `/tokens/${ci.id}/value`);
    expect(first.body.result).toBe(ci.value);
    const second = await call('PUT', `/tokens/${ci.id}/value`, { body: '{}' });
    expect(second.body.result).toBe(ci.value);
    expect(first.body.result).not.toBe(second.body.result);
    expect((await call('PUT', `/tokens/${ci.id}/value`, { body: '[]' })).status).toBe(400);
    const listed = JSON.stringify((await call('GET', '/tokens')).body);
    expect(listed).toContain(ci.id);
    expect(listed).not.toContain(ci.value);
  });

  it('makes and rolls tokens in the scannable format, and still accepts legacy values', async () => {
    // Cloudflare docs, "Token formats": cfat_ + 40 characters + a checksum for account tokens.
    const scannable = /^cfat_[A-Za-z0-9]{40}[0-9a-f]{8}$/;
    expect(sim.credentials.token).toMatch(scannable);
    expect((await call('GET', '/iam/user_groups')).status).toBe(200);
    const rolled = await call('PUT', `/tokens/${sim.credentials.tokenId}/value`);
    expect(rolled.body.result).toMatch(scannable);
    expect(
      (await call('GET', '/iam/user_groups', { authorization: `Bearer ${String(rolled.body.result)}` })).status,
    ).toBe(200);

    const legacy = sim.state.addToken('old', { access: 'read', format: 'legacy' });
    expect(legacy.value).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect((await call('GET', '/iam/user_groups', { authorization: `Bearer ${legacy.value}` })).status).toBe(200);
    expect((await call('PUT', `/tokens/${legacy.id}/value`)).body.result).toMatch(scannable);
  });

  it('rate limits a token past its budget with 971 and retry-after', async () => {
    await sim.close();
    let now = 1_000_000;
    sim = await startCloudflareSimulator({ rateLimit: { requests: 2, windowMs: 60_000 }, now: () => now });
    await call('GET', '/iam/user_groups');
    now += 20_000;
    await call('GET', '/iam/user_groups');
    const limited = await call('GET', '/iam/user_groups');
    expect([limited.status, codes(limited.body), limited.retryAfter]).toEqual([429, [971], '40']);
    now += 40_000;
    expect((await call('GET', '/iam/user_groups')).status).toBe(200);
  });
});
