import { afterEach, describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../../src/workflow/ports.ts';
import { failure, LIST_SERVERS, pagingSent, seedUser, startRig, type Rig } from './support.ts';

let rig: Rig;
afterEach(async () => {
  await rig.close();
});

describe('Outscale groups and principals', () => {
  it('declares group membership and key rotation, not MFA reset', async () => {
    rig = await startRig();
    expect(capabilitiesOf(rig.provider)).toEqual({ groups: true, keys: 'create', mfa: false });
    expect(rig.provider.type).toBe('outscale');
  });

  for (const { server, lists, pages } of LIST_SERVERS) {
    it(`lists every group without paging parameters, following Marker only when given one (${server})`, async () => {
      rig = await startRig({ sim: { lists } });
      for (let i = 0; i < 230; i++) rig.sim.state.addGroup(`team-${String(i).padStart(3, '0')}`);
      rig.sim.state.addGroup('Platform-Admins');

      const all = await rig.provider.listGroups();
      expect(all).toHaveLength(231);
      expect(new Set(all.map((g) => g.name)).size).toBe(231);
      expect(pagingSent(rig.sim, 'ListGroups')).toEqual(
        Array.from({ length: pages(231) }, (_, i) => ({ maxItems: false, marker: i > 0 })),
      );

      expect(await rig.provider.listGroups('platform')).toEqual([{ id: 'Platform-Admins', name: 'Platform-Admins' }]);
    });

    it(`finds a user by name among many, with its EIM user id (${server})`, async () => {
      rig = await startRig({ sim: { lists } });
      for (let i = 0; i < 150; i++) rig.sim.state.addUser(`user-${String(i).padStart(3, '0')}`);
      const zoe = rig.sim.state.addUser('zoe');

      expect(await rig.provider.resolvePrincipal('zoe')).toEqual({ id: zoe.id, name: 'zoe' });
      expect(pagingSent(rig.sim, 'ListUsers')).toEqual(
        Array.from({ length: pages(151) }, (_, i) => ({ maxItems: false, marker: i > 0 })),
      );
    });

    it(`reads membership among many of the user’s groups (${server})`, async () => {
      rig = await startRig({ sim: { limits: { groupsPerUser: 500 }, lists } });
      const alice = seedUser(rig.sim, 'alice');
      for (let i = 0; i < 120; i++) {
        rig.sim.state.addGroup(`g-${String(i).padStart(3, '0')}`);
        rig.sim.state.addMember(`g-${String(i).padStart(3, '0')}`, 'alice');
      }
      expect(await rig.provider.isMember('g-119', alice)).toBe(true);
      expect(pagingSent(rig.sim, 'ListGroupsForUser')).toEqual(
        Array.from({ length: pages(120) }, (_, i) => ({ maxItems: false, marker: i > 0 })),
      );
    });
  }

  it('stops listing users once the name is found', async () => {
    rig = await startRig();
    for (let i = 0; i < 250; i++) rig.sim.state.addUser(`user-${String(i).padStart(3, '0')}`);
    await rig.provider.resolvePrincipal('user-005');
    expect(rig.actions()).toEqual(['ListUsers']);
  });

  it('accepts a name differing only by case, and answers with the name EIM knows', async () => {
    rig = await startRig();
    rig.sim.state.addUser('Alice');
    expect(await rig.provider.resolvePrincipal('alice')).toMatchObject({ name: 'Alice' });
  });

  it('resolves a service user the same way', async () => {
    rig = await startRig();
    const ci = rig.sim.state.addUser('ci-deployer');
    expect(await rig.provider.resolvePrincipal('ci-deployer', 'service')).toEqual({ id: ci.id, name: 'ci-deployer' });
  });

  it('explains that an email matches no EIM user and suggests the identity map', async () => {
    rig = await startRig();
    rig.sim.state.addUser('alice');
    const error = await failure(rig.provider.resolvePrincipal('alice@example.com'));
    expect(error.kind).toBe('not_found');
    expect(error.message).toMatch(/no user named "alice@example\.com"/);
    expect(error.message).toMatch(/identity map/);
  });

  it('fails as not_found, with the request id, for a group that does not exist', async () => {
    rig = await startRig();
    const alice = seedUser(rig.sim, 'alice');
    const error = await failure(rig.provider.addMember('nope', alice));
    expect(error).toMatchObject({ kind: 'not_found', providerRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(error.message).toContain('NoSuchEntity: The group with name nope cannot be found.');
  });

  it('fails as limit_exceeded when the user is in as many groups as EIM allows', async () => {
    rig = await startRig({ sim: { limits: { groupsPerUser: 2 } } });
    const alice = seedUser(rig.sim, 'alice');
    for (const name of ['a', 'b', 'c']) rig.sim.state.addGroup(name);
    await rig.provider.addMember('a', alice);
    await rig.provider.addMember('b', alice);
    const error = await failure(rig.provider.addMember('c', alice));
    expect(error.kind).toBe('limit_exceeded');
    expect(error.message).toContain('GroupsPerUser: 2');
  });

  it('fails as invalid_request for a group name EIM rejects', async () => {
    rig = await startRig();
    const alice = seedUser(rig.sim, 'alice');
    const error = await failure(rig.provider.addMember('not a name', alice));
    expect(error.kind).toBe('invalid_request');
    expect(error.message).toContain('ValidationError');
  });

  it('removing a non-member succeeds once the user and the group are read back', async () => {
    rig = await startRig();
    const alice = seedUser(rig.sim, 'alice');
    rig.sim.state.addGroup('devs');

    await expect(rig.provider.removeMember('devs', alice)).resolves.toMatchObject({
      providerRequestId: expect.any(String),
    });
    expect(rig.actions()).toEqual(['RemoveUserFromGroup', 'ListGroupsForUser', 'GetGroup']);
  });

  it('removing from a group that does not exist fails as not_found', async () => {
    rig = await startRig();
    const alice = seedUser(rig.sim, 'alice');
    const error = await failure(rig.provider.removeMember('ghosts', alice));
    expect(error.kind).toBe('not_found');
    expect(error.message).toContain('group with name ghosts');
  });

  it('removing a user who does not exist fails as not_found', async () => {
    rig = await startRig();
    rig.sim.state.addGroup('devs');
    const error = await failure(rig.provider.removeMember('devs', { id: 'AIDAGONE', name: 'gone' }));
    expect(error.kind).toBe('not_found');
    expect(error.message).toContain('user with name gone');
  });

  it('a removal whose answer was lost is sent again, and the NoSuchEntity that follows counts as done', async () => {
    rig = await startRig();
    const alice = seedUser(rig.sim, 'alice');
    rig.sim.state.addGroup('devs');
    rig.sim.state.addMember('devs', 'alice');
    rig.sim.server.inject({ type: 'drop', when: 'after' });

    await rig.provider.removeMember('devs', alice);
    expect(rig.sim.state.membersOf('devs')).toEqual([]);
    expect(rig.actions()).toEqual(['RemoveUserFromGroup', 'RemoveUserFromGroup', 'ListGroupsForUser', 'GetGroup']);
  });
});
