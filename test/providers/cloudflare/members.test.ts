import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/workflow/ports.ts';
import { calls, rig, seedMembers, type Rig } from './support.ts';

let r: Rig;
beforeEach(async () => {
  r = await rig();
});
afterEach(async () => {
  await r.close();
});

describe('Cloudflare listMembers', () => {
  it('reads every page of a large user group, stopping at the short page', async () => {
    const group = r.sim.state.addGroup('everyone');
    const people = seedMembers(r.sim, 1300);
    for (const person of people) r.sim.state.addToGroup(group.id, person.id);
    r.sim.state.addMember('outsider@example.com');

    const members = await r.provider.listMembers(group.id);
    expect(members).toHaveLength(1300);
    expect(new Set(members.map((m) => m.id))).toEqual(new Set(people.map((p) => p.id)));
    // The largest page a user group's member list takes (1..500 in Cloudflare's schema).
    expect(calls(r.sim)).toEqual([
      `GET /iam/user_groups/${group.id}/members?page=1&per_page=500`,
      `GET /iam/user_groups/${group.id}/members?page=2&per_page=500`,
      `GET /iam/user_groups/${group.id}/members?page=3&per_page=500`,
    ]);
  });

  it('names each member as resolvePrincipal does: account membership id and email', async () => {
    const group = r.sim.state.addGroup('admins');
    const people = seedMembers(r.sim, 60);
    for (const person of people.slice(0, 55)) r.sim.state.addToGroup(group.id, person.id);

    const members = await r.provider.listMembers(group.id);
    const resolved = await r.provider.resolvePrincipal(people[10]?.email ?? '');
    expect(members).toContainEqual(resolved);
    expect(resolved.id).toBe(people[10]?.id);
    const outsider = await r.provider.resolvePrincipal(people[58]?.email ?? '');
    expect(members.map((m) => m.id)).not.toContain(outsider.id);
  });

  it('answers an empty group with no members, in one call', async () => {
    const group = r.sim.state.addGroup('empty');
    expect(await r.provider.listMembers(group.id)).toEqual([]);
    expect(calls(r.sim)).toHaveLength(1);
  });

  it('reports an unknown group as not_found', async () => {
    const error = await r.provider.listMembers('f'.repeat(32)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'not_found', providerRequestId: expect.stringMatching(/-SIM$/) });
  });
});
