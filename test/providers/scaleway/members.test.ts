import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, requestsTo, startRig, type Rig } from './support.ts';

let rig: Rig;
beforeEach(async () => {
  rig = await startRig();
});
afterEach(async () => {
  await rig.close();
});

describe('Scaleway listMembers', () => {
  it('reads the group, then names its users a page of ids at a time, and its applications', async () => {
    const users = Array.from({ length: 130 }, (_, i) => rig.sim.state.addUser({ email: `user${i}@example.com` }));
    rig.sim.state.addUser({ email: 'outsider@example.com' });
    const ci = rig.sim.state.addApplication({ name: 'ci' });
    const group = rig.sim.state.addGroup({
      name: 'everyone',
      userIds: users.map((u) => u.id),
      applicationIds: [ci.id],
    });

    const members = await rig.provider.listMembers('everyone');
    expect(members).toEqual([...users.map((u) => ({ id: u.id, name: u.email })), { id: ci.id, name: 'ci' }]);

    expect(requestsTo(rig.sim, 'GET', '/groups')).toHaveLength(1);
    const userPages = requestsTo(rig.sim, 'GET', '/users').map((q) => q.query.getAll('user_ids'));
    expect(userPages.map((ids) => ids.length)).toEqual([100, 30]);
    expect(userPages.flat()).toEqual(group.userIds);
    expect(requestsTo(rig.sim, 'GET', '/applications').map((q) => q.query.getAll('application_ids'))).toEqual([
      [ci.id],
    ]);
  });

  it('lets a listed member be removed without looking up whether it is a user or an application', async () => {
    const alice = rig.sim.state.addUser({ email: 'alice@example.com' });
    const group = rig.sim.state.addGroup({ name: 'devs', userIds: [alice.id] });
    const [member] = await rig.provider.listMembers('devs');
    const before = rig.sim.server.requests.length;
    await rig.provider.removeMember(group.id, member ?? { id: '', name: '' });
    expect(rig.sim.server.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual([
      `POST /iam/v1alpha1/groups/${group.id}/remove-member`,
    ]);
    expect(group.userIds).toEqual([]);
  });

  it('answers an empty group with no members, reading nothing more', async () => {
    rig.sim.state.addGroup({ name: 'empty' });
    expect(await rig.provider.listMembers('empty')).toEqual([]);
    expect(rig.sim.server.requests).toHaveLength(1);
  });

  it('reports an unknown group as not_found, by name and by id', async () => {
    expect(await failure(rig.provider.listMembers('nope'))).toMatchObject({ kind: 'not_found' });
    expect(await failure(rig.provider.listMembers('00000000-0000-4000-8000-000000000000'))).toMatchObject({
      kind: 'not_found',
    });
  });
});
