import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calls, rig, seedMembers, type Rig } from './support.ts';

let r: Rig;
beforeEach(async () => {
  r = await rig();
});
afterEach(async () => {
  await r.close();
});

const member = (id: string, email: string) => ({ id, name: email });

describe('Cloudflare user groups', () => {
  it('lists every group over several pages, stopping at the short page', async () => {
    for (let i = 0; i < 1200; i++) r.sim.state.addGroup(`group-${String(i).padStart(4, '0')}`);
    const groups = await r.provider.listGroups();
    expect(groups).toHaveLength(1200);
    expect(new Set(groups.map((g) => g.id)).size).toBe(1200);
    expect(groups[0]).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), name: 'group-0000' });
    // The largest page this list takes (1..500 in Cloudflare's schema), not the account members' 50.
    expect(calls(r.sim)).toEqual([
      'GET /iam/user_groups?page=1&per_page=500',
      'GET /iam/user_groups?page=2&per_page=500',
      'GET /iam/user_groups?page=3&per_page=500',
    ]);
  });

  it('does not ask for a page past total_count when the last page is full', async () => {
    for (let i = 0; i < 1000; i++) r.sim.state.addGroup(`g${i}`);
    expect(await r.provider.listGroups()).toHaveLength(1000);
    expect(calls(r.sim)).toHaveLength(2);
  });

  it('searches by fuzzyName', async () => {
    r.sim.state.addGroup('Prod Admins');
    r.sim.state.addGroup('staging-admins');
    r.sim.state.addGroup('billing');
    const groups = await r.provider.listGroups('admin');
    expect(groups.map((g) => g.name)).toEqual(['Prod Admins', 'staging-admins']);
    expect(calls(r.sim)).toEqual(['GET /iam/user_groups?fuzzyName=admin&page=1&per_page=500']);
  });

  it('adds a member with a bare JSON array of account membership ids, and reads it back', async () => {
    const group = r.sim.state.addGroup('admins');
    const alice = r.sim.state.addMember('alice@example.com');
    const who = member(alice.id, alice.email);
    expect(await r.provider.isMember(group.id, who)).toBe(false);
    const result = await r.provider.addMember(group.id, who);
    expect(r.sim.state.groupMembers(group.id)).toEqual([alice.id]);
    expect(await r.provider.isMember(group.id, who)).toBe(true);
    const post = r.sim.server.requests.find((q) => q.method === 'POST');
    expect(post?.path).toBe(`/accounts/${r.sim.accountId}/iam/user_groups/${group.id}/members`);
    expect(JSON.parse(post?.body ?? '')).toEqual([{ id: alice.id }]);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(result.providerRequestId).toMatch(/^[0-9a-f]{16}-SIM$/);
  });

  // [guess] Cloudflare's answer to a duplicate add is undocumented (docs/providers/cloudflare.md): the
  // simulator plays each.
  for (const duplicateMember of ['conflict', 'bad_request', 'accept'] as const) {
    it(`treats adding an existing member as success, without a second membership (duplicate add: ${duplicateMember})`, async () => {
      await r.close();
      r = await rig({ duplicateMember });
      const group = r.sim.state.addGroup('admins');
      const alice = r.sim.state.addMember('alice@example.com');
      r.sim.state.addToGroup(group.id, alice.id);
      const result = await r.provider.addMember(group.id, member(alice.id, alice.email));
      expect(r.sim.state.groupMembers(group.id)).toEqual([alice.id]);
      // A refusal is read back (and its ray id still names the call); an accepted duplicate needs no read.
      expect(calls(r.sim).map((c) => c.split(' ')[0])).toEqual(
        duplicateMember === 'accept' ? ['POST'] : ['POST', 'GET'],
      );
      expect(result.providerRequestId).toMatch(/-SIM$/);
    });
  }

  it('removes a member, and treats removing a non-member as success', async () => {
    const group = r.sim.state.addGroup('admins');
    const alice = r.sim.state.addMember('alice@example.com');
    r.sim.state.addToGroup(group.id, alice.id);
    await r.provider.removeMember(group.id, member(alice.id, alice.email));
    expect(r.sim.state.groupMembers(group.id)).toEqual([]);
    expect(calls(r.sim)).toEqual([`DELETE /iam/user_groups/${group.id}/members/${alice.id}`]);
    await expect(r.provider.removeMember(group.id, member(alice.id, alice.email))).resolves.toBeDefined();
  });

  it('finds a member on a later page of a large group', async () => {
    const group = r.sim.state.addGroup('everyone');
    const people = seedMembers(r.sim, 1300);
    for (const person of people) r.sim.state.addToGroup(group.id, person.id);
    // Listed in email order: the last email is on the third page of 500.
    const last = people.toSorted((a, b) => a.email.localeCompare(b.email)).at(-1);
    expect(await r.provider.isMember(group.id, member(last?.id ?? '', last?.email ?? ''))).toBe(true);
    expect(calls(r.sim)).toHaveLength(3);
    expect(await r.provider.isMember(group.id, member('0'.repeat(32), 'nobody@example.com'))).toBe(false);
  });

  it('reports a malformed group id as invalid_request with Cloudflare’s routing error', async () => {
    const alice = r.sim.state.addMember('alice@example.com');
    const error = await r.provider.addMember('prod-admins', member(alice.id, alice.email)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'invalid_request',
      message: expect.stringContaining('perhaps your object identifier is invalid? (code 7003)'),
    });
    expect(r.sim.state.groups.size).toBe(0);
  });
});
