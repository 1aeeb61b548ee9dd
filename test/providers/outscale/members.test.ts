import { afterEach, describe, expect, it } from 'vitest';
import { failure, LIST_SERVERS, pagingSent, startRig, type Rig } from './support.ts';

let rig: Rig;
afterEach(async () => {
  await rig.close();
});

describe('Outscale listMembers', () => {
  for (const { server, lists, pages } of LIST_SERVERS) {
    it(`reads GetGroup without paging parameters, following Marker only when given one (${server})`, async () => {
      rig = await startRig({ sim: { lists } });
      rig.sim.state.addGroup('everyone');
      for (let i = 0; i < 250; i++) {
        const name = `user-${String(i).padStart(3, '0')}`;
        rig.sim.state.addUser(name);
        rig.sim.state.addMember('everyone', name);
      }
      rig.sim.state.addUser('outsider');

      const members = await rig.provider.listMembers('everyone');
      expect(members).toHaveLength(250);
      expect(new Set(members.map((m) => m.name))).toEqual(new Set(rig.sim.state.membersOf('everyone')));
      const sent = rig.sim.server.requests.map((q) => new URLSearchParams(q.body));
      expect(sent.map((p) => p.get('GroupName'))).toEqual(Array(pages(250)).fill('everyone'));
      expect(pagingSent(rig.sim, 'GetGroup')).toEqual(
        Array.from({ length: pages(250) }, (_, i) => ({ maxItems: false, marker: i > 0 })),
      );
    });
  }

  it('reports an unknown group as not_found, with the request id', async () => {
    rig = await startRig();
    const error = await failure(rig.provider.listMembers('ghosts'));
    expect(error).toMatchObject({ kind: 'not_found', providerRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(error.message).toContain('The group with name ghosts cannot be found.');
  });
});
