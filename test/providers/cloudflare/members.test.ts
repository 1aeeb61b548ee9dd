import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

  it('answers an empty group with no members, in one call', async () => {
    const group = r.sim.state.addGroup('empty');
    expect(await r.provider.listMembers(group.id)).toEqual([]);
    expect(calls(r.sim)).toHaveLength(1);
  });
});
