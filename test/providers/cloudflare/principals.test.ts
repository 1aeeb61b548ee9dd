import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calls, rig, seedMembers, type Rig } from './support.ts';

let r: Rig;
beforeEach(async () => {
  r = await rig();
});
afterEach(async () => {
  await r.close();
});

describe('Cloudflare principals', () => {
  it('finds a person by email, case-insensitively, paging the members in email order', async () => {
    const people = seedMembers(r.sim, 140);
    const target = people.find((p) => p.email === 'user-120@example.com');
    const found = await r.provider.resolvePrincipal('User-120@Example.COM');
    expect(found).toEqual({ id: target?.id, name: 'user-120@example.com' });
    // 120 is on the third page of 50 in email order; reading stops there.
    expect(calls(r.sim)).toEqual([
      'GET /members?order=user.email&page=1&per_page=50',
      'GET /members?order=user.email&page=2&per_page=50',
      'GET /members?order=user.email&page=3&per_page=50',
    ]);
  });

  it('accepts an account membership id as the identity', async () => {
    const bob = r.sim.state.addMember('bob@example.com');
    expect(await r.provider.resolvePrincipal(bob.id, 'user')).toEqual({ id: bob.id, name: 'bob@example.com' });
  });

  it('reports an unknown person as not_found after reading every page', async () => {
    seedMembers(r.sim, 60);
    await expect(r.provider.resolvePrincipal('nobody@example.com')).rejects.toMatchObject({
      kind: 'not_found',
      message: expect.stringContaining('nobody@example.com'),
    });
    expect(calls(r.sim)).toHaveLength(2);
  });

  it('resolves a token id with one read', async () => {
    const ci = r.sim.state.addToken('ci-deploy');
    expect(await r.provider.resolvePrincipal(ci.id, 'service')).toEqual({ id: ci.id, name: 'ci-deploy' });
    expect(calls(r.sim)).toEqual([`GET /tokens/${ci.id}`]);
  });

  it('resolves a token name by listing the account tokens over several pages', async () => {
    for (let i = 0; i < 70; i++) r.sim.state.addToken(`filler-${i}`);
    const ci = r.sim.state.addToken('ci-deploy');
    expect(await r.provider.resolvePrincipal('ci-deploy', 'service')).toEqual({ id: ci.id, name: 'ci-deploy' });
    expect(calls(r.sim)).toEqual(['GET /tokens?page=1&per_page=50', 'GET /tokens?page=2&per_page=50']);
  });

  it('refuses an unknown or ambiguous token name', async () => {
    await expect(r.provider.resolvePrincipal('nope', 'service')).rejects.toMatchObject({ kind: 'not_found' });
    await expect(r.provider.resolvePrincipal('f'.repeat(32), 'service')).rejects.toMatchObject({ kind: 'not_found' });
    r.sim.state.addToken('twin');
    r.sim.state.addToken('twin');
    await expect(r.provider.resolvePrincipal('twin', 'service')).rejects.toMatchObject({
      kind: 'invalid_request',
      message: '2 account-owned API tokens are named twin; name the token by its id.',
    });
  });
});
