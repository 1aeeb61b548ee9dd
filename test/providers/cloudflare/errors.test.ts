import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/domain/secret.ts';
import { ProviderError } from '../../../src/workflow/ports.ts';
import { calls, rig, type Rig } from './support.ts';

let r: Rig;
afterEach(async () => {
  await r.close();
});

async function failure(call: Promise<unknown>): Promise<ProviderError> {
  const error = await call.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Cloudflare retries', () => {
  it('retries 503 and Cloudflare’s own 52x on reads', async () => {
    r = await rig();
    r.sim.server.inject({ type: 'status', status: 503 });
    r.sim.server.inject({ type: 'status', status: 522 });
    const group = r.sim.state.addGroup('admins');
    const alice = r.sim.state.addMember('alice@example.com');
    expect(await r.provider.isMember(group.id, { id: alice.id, name: alice.email })).toBe(false);
    expect(r.sim.server.requests).toHaveLength(3);
  });

  it('gives up as rate_limited with retryAfterMs and the ray id once the attempts are spent', async () => {
    r = await rig();
    r.sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 7 }, 5);
    const error = await failure(r.provider.listGroups());
    expect(error).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 7_000,
      providerRequestId: expect.stringMatching(/-SIM$/),
    });
    expect(error.message).toContain('Please wait and consider throttling your request speed (code 971)');
    expect(r.sim.server.requests).toHaveLength(3);
  });

  it('meets the simulator’s own request budget as rate_limited', async () => {
    r = await rig({ rateLimit: { requests: 2, windowMs: 300_000 } });
    await r.provider.probe();
    await r.provider.probe();
    const error = await failure(r.provider.probe());
    expect(error.kind).toBe('rate_limited');
    // Retry-After is the rest of the 5-minute window: longer than the HTTP layer will wait.
    expect(error.retryAfterMs).toBeGreaterThan(290_000);
  });

  it('gives up as unavailable after repeated 500s', async () => {
    r = await rig();
    r.sim.server.inject({ type: 'status', status: 500 }, 5);
    expect(await failure(r.provider.listGroups())).toMatchObject({
      kind: 'unavailable',
      providerRequestId: expect.stringMatching(/-SIM$/),
    });
  });

  it('resends an add whose answer was lost (adding is idempotent): the duplicate reads back as success', async () => {
    r = await rig();
    const group = r.sim.state.addGroup('admins');
    const alice = r.sim.state.addMember('alice@example.com');
    r.sim.server.inject({ type: 'drop', when: 'after' });
    await r.provider.addMember(group.id, { id: alice.id, name: alice.email });
    // The second POST meets the duplicate, which the read-back turns into success.
    expect(calls(r.sim).map((c) => c.split(' ')[0])).toEqual(['POST', 'POST', 'GET']);
    expect(r.sim.state.groupMembers(group.id)).toEqual([alice.id]);
  });
});

describe('Cloudflare authentication', () => {
  it('probes with one read-only call', async () => {
    r = await rig();
    const result = await r.provider.probe();
    expect(result.providerRequestId).toMatch(/-SIM$/);
    expect(calls(r.sim)).toEqual(['GET /iam/user_groups?page=1&per_page=5']);
    expect(r.sim.server.requests[0]?.headers.authorization).toBe(`Bearer ${r.sim.credentials.token}`);
  });

  // docs/providers/cloudflare.md: an unknown token answers 401 code 10000, or on some /accounts routes 403 code 9109.
  for (const [unknownToken, wording] of [
    ['authentication_error', 'Authentication error (code 10000)'],
    ['invalid_access_token', 'Invalid access token (code 9109)'],
  ] as const) {
    it(`maps an unknown token to unauthorized (${unknownToken})`, async () => {
      r = await rig({ unknownToken });
      for (const token of ['x'.repeat(40), `cfat_${'x'.repeat(40)}0badc0de`]) {
        const error = await failure(r.providerWith({ token: new Secret(token) }).probe());
        expect(error).toMatchObject({ kind: 'unauthorized', message: expect.stringContaining(wording) });
      }
    });
  }

  it('maps a malformed token (400, 6003/6111) to unauthorized', async () => {
    r = await rig();
    const error = await failure(r.providerWith({ token: new Secret('not a token') }).probe());
    expect(error).toMatchObject({
      kind: 'unauthorized',
      message: expect.stringContaining('Invalid format for Authorization header (code 6111)'),
    });
  });

  it('maps a read-only token writing, and a token used on another account, to forbidden', async () => {
    r = await rig();
    const group = r.sim.state.addGroup('admins');
    const alice = r.sim.state.addMember('alice@example.com');
    const reader = r.providerWith({ token: new Secret(r.sim.credentials.readOnlyToken) });
    expect(await reader.isMember(group.id, { id: alice.id, name: alice.email })).toBe(false);
    expect(await failure(reader.addMember(group.id, { id: alice.id, name: alice.email }))).toMatchObject({
      kind: 'forbidden',
    });
    expect(await failure(r.providerWith({ accountId: 'b'.repeat(32) }).probe())).toMatchObject({ kind: 'forbidden' });
    expect(r.sim.state.groupMembers(group.id)).toEqual([]);
  });

  it('stops authenticating with a value once its token was rolled', async () => {
    r = await rig();
    const old = r.sim.credentials.token;
    await r.provider.createKey({ id: r.sim.credentials.tokenId, name: 'iam-bot' });
    expect(await failure(r.provider.probe())).toMatchObject({ kind: 'unauthorized' });
    await expect(r.providerWith({ token: new Secret(r.sim.credentials.token) }).probe()).resolves.toBeDefined();
    expect(r.sim.credentials.token).not.toBe(old);
  });
});

describe('Cloudflare connections and secrets', () => {
  it('logs and errors carry neither the credential nor a new token value', async () => {
    r = await rig();
    const ci = r.sim.state.addToken('ci-deploy');
    const credential = r.sim.credentials.token;
    r.sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 1 });
    r.sim.server.inject({ type: 'drop', when: 'after' });
    const created = await r.provider.createKey({ id: ci.id, name: ci.name });
    r.sim.server.inject({ type: 'status', status: 503, when: 'after' });
    const failed = await failure(r.provider.createKey({ id: ci.id, name: ci.name }));
    const rejected = await failure(r.providerWith({ token: new Secret('y'.repeat(40)) }).probe());
    const texts = [r.logs(), failed.message, JSON.stringify(failed), rejected.message, JSON.stringify(created)];
    expect(r.logs()).toContain('will be retried');
    expect(r.logs()).toContain('rolling the token again');
    for (const text of texts) {
      expect(text).not.toContain(credential);
      expect(text).not.toContain(created.secret.reveal());
      expect(text).not.toContain(ci.value);
      expect(text).not.toContain('y'.repeat(40));
    }
  });
});
