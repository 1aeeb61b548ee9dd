import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capabilitiesOf, ProviderError, type PrincipalRef } from '../../../src/workflow/ports.ts';
import { actionsSent, rig, type Rig } from './rig.ts';

let r: Rig;
beforeEach(async () => {
  r = await rig();
});
afterEach(() => r.close());

function alice(): PrincipalRef {
  const user = r.sim.state.addUser({ name: 'alice', email: 'Alice@Example.com' });
  return { id: user.id, name: user.name };
}

describe('JCS groups and principals', () => {
  it('declares group membership, key rotation and MFA reset', () => {
    expect(r.provider).toMatchObject({ type: 'jcs', id: 'jcs-test' });
    expect(capabilitiesOf(r.provider)).toEqual({ groups: true, keys: 'create', mfa: true });
  });

  it('reads large lists whole: JCS has no pagination', async () => {
    for (let i = 0; i < 250; i++) r.sim.state.addUser({ name: `user-${i}`, email: `user-${i}@example.com` });
    for (let i = 0; i < 150; i++) r.sim.state.addGroup(`group-${i}`);
    expect(await r.provider.listGroups()).toHaveLength(150);
    expect(await r.provider.resolvePrincipal('USER-249@example.com')).toMatchObject({ name: 'user-249' });
    expect(actionsSent(r.sim.server)).toEqual(['ListGroups', 'ListUsers']);
  });

  it('resolves a person by user name, or by email whatever its case', async () => {
    const user = alice();
    expect(await r.provider.resolvePrincipal('alice')).toEqual(user);
    expect(await r.provider.resolvePrincipal('alice@example.COM')).toEqual(user);
  });

  it('resolves a service principal by its user name with GetUser', async () => {
    const ci = r.sim.state.addUser({ name: 'ci-deployer' });
    expect(await r.provider.resolvePrincipal('ci-deployer', 'service')).toEqual({ id: ci.id, name: 'ci-deployer' });
    expect(actionsSent(r.sim.server)).toEqual(['GetUser']);
    await expect(r.provider.resolvePrincipal('ghost', 'service')).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('reports an unknown identity as not_found, and an email two users share as ambiguous', async () => {
    alice();
    r.sim.state.addUser({ name: 'alice2', email: 'alice@example.com' });
    await expect(r.provider.resolvePrincipal('bob@example.com')).rejects.toMatchObject({ kind: 'not_found' });
    const error = await r.provider.resolvePrincipal('alice@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('alice, alice2') });
  });

  it('probes with one ListGroups call and returns its request id', async () => {
    expect(await r.provider.probe()).toEqual({ providerRequestId: expect.stringMatching(/^req-/) });
    expect(actionsSent(r.sim.server)).toEqual(['ListGroups']);
  });
});

describe('JCS group membership', () => {
  it('adds a member, reads it back, removes it', async () => {
    const user = alice();
    r.sim.state.addGroup('devs');
    expect(await r.provider.isMember('devs', user)).toBe(false);
    expect(await r.provider.addMember('devs', user)).toEqual({ providerRequestId: expect.stringMatching(/^req-/) });
    expect(r.sim.state.members('devs')).toEqual(['alice']);
    expect(await r.provider.isMember('devs', user)).toBe(true);
    await r.provider.removeMember('devs', user);
    expect(r.sim.state.members('devs')).toEqual([]);
    expect(actionsSent(r.sim.server)).toEqual([
      'CheckUserInGroup',
      'AssignUserToGroup',
      'CheckUserInGroup',
      'RemoveUserFromGroup',
    ]);
  });

  it('removing a non-member succeeds (JCS answers 404)', async () => {
    const user = alice();
    r.sim.state.addGroup('devs');
    await expect(r.provider.removeMember('devs', user)).resolves.toBeDefined();
    expect(actionsSent(r.sim.server)).toEqual(['RemoveUserFromGroup']);
  });

  it('adding to a group that does not exist is not_found, with JCS message and request id', async () => {
    const error = await r.provider.addMember('nope', alice()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'not_found',
      message: expect.stringContaining('Group nope not found'),
      providerRequestId: expect.stringMatching(/^req-/),
    });
  });

  it('names the limit of 100 users per group', async () => {
    r.sim.state.addGroup('big');
    for (let i = 0; i < 100; i++) {
      r.sim.state.addUser({ name: `member-${i}` });
      r.sim.state.addMember('big', `member-${i}`);
    }
    const error = await r.provider.addMember('big', alice()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'limit_exceeded',
      message: expect.stringContaining('at most 100 users in a group'),
    });
  });

  // JCS's GetUser has no group_count (docs/providers/jcs.md, "Exact shapes"): the user's groups are counted
  // with ListGroupsForUser.
  it('names the limit of 20 groups per user', async () => {
    const user = alice();
    for (let i = 0; i < 21; i++) r.sim.state.addGroup(`g-${i}`);
    for (let i = 0; i < 20; i++) r.sim.state.addMember(`g-${i}`, 'alice');
    const error = await r.provider.addMember('g-20', user).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'limit_exceeded',
      message: expect.stringContaining('at most 20 groups, and alice is already in 20'),
    });
    expect(actionsSent(r.sim.server)).toEqual(['AssignUserToGroup', 'ListGroupsForUser']);
    expect(r.sim.state.groupsOf('alice')).toHaveLength(20);
  });

  it('keeps a refused permission forbidden when no limit explains it', async () => {
    const user = alice();
    r.sim.state.addGroup('devs');
    r.sim.state.deny('AssignUserToGroup');
    const error = await r.provider.addMember('devs', user).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'forbidden',
      message: expect.stringContaining('You are not authorized to perform the requested action'),
    });
  });
});
