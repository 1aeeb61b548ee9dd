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

  it('reports an unknown group as not_found, with JCS message and request id', async () => {
    const error = await r.provider.listMembers('nope').catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'not_found',
      message: expect.stringContaining('Group nope not found'),
      providerRequestId: expect.stringMatching(/^req-/),
    });
  });
});
