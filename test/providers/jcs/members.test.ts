import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actionsSent, rig, type Rig } from './rig.ts';

let r: Rig;
beforeEach(async () => {
  r = await rig();
});
afterEach(() => r.close());

describe('JCS listMembers', () => {
  it('reads a full group (the 100-user limit) whole with one ListUserInGroup: JCS has no pagination', async () => {
    r.sim.state.addGroup('big');
    for (let i = 0; i < 100; i++) {
      r.sim.state.addUser({ name: `member-${String(i).padStart(3, '0')}`, email: `member-${i}@example.com` });
      r.sim.state.addMember('big', `member-${String(i).padStart(3, '0')}`);
    }
    const members = await r.provider.listMembers('big');
    expect(members).toHaveLength(100);
    expect(new Set(members.map((m) => m.name))).toEqual(new Set(r.sim.state.members('big')));
    expect(actionsSent(r.sim.server)).toEqual(['ListUserInGroup']);
    expect(r.sim.server.requests[0]?.query.get('Name')).toBe('big');
  });

  it('names each member as resolvePrincipal does (user id and name), and leaves out non-members', async () => {
    r.sim.state.addGroup('devs');
    r.sim.state.addUser({ name: 'alice', email: 'Alice@Example.com' });
    r.sim.state.addUser({ name: 'bob', email: 'bob@example.com' });
    r.sim.state.addUser({ name: 'carol' });
    r.sim.state.addMember('devs', 'alice');
    r.sim.state.addMember('devs', 'carol');

    const members = await r.provider.listMembers('devs');
    const alice = await r.provider.resolvePrincipal('alice@example.com');
    const carol = await r.provider.resolvePrincipal('carol', 'service');
    expect(members).toEqual([alice, carol]);
    expect(members.map((m) => m.id)).not.toContain((await r.provider.resolvePrincipal('bob')).id);
  });

  it('answers an empty group with no members', async () => {
    r.sim.state.addGroup('empty');
    expect(await r.provider.listMembers('empty')).toEqual([]);
  });

  it('reports an unknown group as not_found, with JCS message and request id', async () => {
    const error = await r.provider.listMembers('nope').catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'not_found',
      message: expect.stringContaining('Group nope not found'),
      providerRequestId: expect.stringMatching(/^req-/),
    });
  });
});
