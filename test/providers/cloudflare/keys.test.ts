import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capabilitiesOf, ProviderError } from '../../../src/workflow/ports.ts';
import type { SimToken } from '../../../src/simulators/cloudflare/index.ts';
import { calls, rig, type Rig } from './support.ts';

let r: Rig;
let ci: SimToken;
beforeEach(async () => {
  r = await rig();
  ci = r.sim.state.addToken('ci-deploy');
});
afterEach(async () => {
  await r.close();
});

const principal = () => ({ id: ci.id, name: ci.name });

describe('Cloudflare token rotation', () => {
  it('lists the token as the principal’s one key', async () => {
    r.sim.state.tokens.get(ci.id)!.status = 'disabled';
    expect(await r.provider.listKeys(principal())).toEqual([{ id: ci.id, status: 'inactive', createdAt: ci.issuedOn }]);
  });

  it('rolls the token: same key id, the new value as a Secret, the old value dead at once', async () => {
    const old = ci.value;
    const created = await r.provider.createKey(principal());
    expect(created.key).toEqual({ id: ci.id, status: 'active' });
    expect(created.secret.reveal()).toBe(r.sim.state.tokens.get(ci.id)?.value);
    expect(created.secret.reveal()).not.toBe(old);
    expect(String(created.secret)).toBe('[redacted]');
    expect(r.sim.state.tokenByValue(old)).toBeUndefined();
    expect(created.providerRequestId).toMatch(/-SIM$/);
    expect(calls(r.sim)).toEqual([`PUT /tokens/${ci.id}/value`]);
  });

  it('does not roll again after a 503, and warns that the old value may be dead', async () => {
    r.sim.server.inject({ type: 'status', status: 503, when: 'after' });
    const error = await r.provider.createKey(principal()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'unavailable',
      uncertain: true,
      providerRequestId: expect.stringMatching(/-SIM$/),
      message: expect.stringContaining('the old value of ci-deploy no longer works: roll it again'),
    });
    expect(calls(r.sim)).toEqual([`PUT /tokens/${ci.id}/value`]);
    expect(ci.rolls).toBe(1);
  });

  it('retries a roll refused with 429: Cloudflare did not act', async () => {
    r.sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 3 });
    const created = await r.provider.createKey(principal());
    expect(created.secret.reveal()).toBe(ci.value);
    expect(ci.rolls).toBe(1);
    expect(r.waits).toEqual([expect.any(Number)]);
    expect(r.waits[0]).toBeGreaterThanOrEqual(3_000);
  });

  it('rolls once more when the answer to a roll was lost, and says so without the secret', async () => {
    r.sim.server.inject({ type: 'drop', when: 'after' });
    const created = await r.provider.createKey(principal());
    // The first roll happened and its value was lost with the answer; the second one is the live value.
    expect(ci.rolls).toBe(2);
    expect(created.secret.reveal()).toBe(ci.value);
    expect(calls(r.sim)).toEqual([`PUT /tokens/${ci.id}/value`, `PUT /tokens/${ci.id}/value`]);
    const line = r
      .logs()
      .split('\n')
      .find((l) => l.includes('rolling the token again'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 40, tokenId: ci.id, tokenName: 'ci-deploy' });
    expect(r.logs()).not.toContain(ci.value);
  });

  it('reports a second lost answer as uncertain instead of rolling forever', async () => {
    r.sim.server.inject({ type: 'drop', when: 'after' }, 2);
    const error = await r.provider.createKey(principal()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'unavailable',
      uncertain: true,
      message: expect.stringContaining('the old value of ci-deploy no longer works'),
    });
    expect(ci.rolls).toBe(2);
  });

  it('warns that the old value may be dead when the roll after a lost answer is refused', async () => {
    r.sim.server.inject({ type: 'drop', when: 'after' });
    r.sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 1 }, 3);
    const error = await r.provider.createKey(principal()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'rate_limited',
      uncertain: true,
      retryAfterMs: 1_000,
      message: expect.stringContaining('roll it again before relying on it'),
    });
    expect(ci.rolls).toBe(1);
  });

  it('rolls in place: no call exists to deactivate or delete the old key, and the token keeps its id', async () => {
    const created = await r.provider.keys.createKey(principal());
    expect(r.provider.keys.style).toBe('roll');
    expect(r.provider.keys).not.toHaveProperty('deactivateKey');
    expect(r.provider.keys).not.toHaveProperty('deleteKey');
    expect(created.key.id).toBe(ci.id);
    expect(r.sim.state.tokens.get(ci.id)?.value).toBe(created.secret.reveal());
  });

  it('refuses to rotate a person’s own key as unsupported, and an unknown token as not_found', async () => {
    const alice = r.sim.state.addMember('alice@example.com');
    const person = { id: alice.id, name: alice.email };
    for (const call of [() => r.provider.createKey(person), () => r.provider.listKeys(person)]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({
        kind: 'unsupported',
        message: expect.stringContaining("a user's own API tokens can be rolled only with that user's credentials"),
      });
    }
    await expect(r.provider.createKey({ id: 'e'.repeat(32), name: 'gone' })).rejects.toMatchObject({
      kind: 'not_found',
      providerRequestId: expect.stringMatching(/-SIM$/),
    });
  });

  it('has no MFA reset: the adapter lacks the capability, and makes no call', () => {
    expect(capabilitiesOf(r.provider)).toEqual({ groups: true, keys: 'roll', mfa: false });
    expect(r.provider).not.toHaveProperty('mfa');
    expect(r.sim.server.requests).toHaveLength(0);
  });
});
