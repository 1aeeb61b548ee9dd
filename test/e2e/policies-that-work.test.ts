/** Issue 13 item 1 through the real Bolt app: a request nobody could approve, and what admins see of stuck requests. */
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, carol, dave } = PEOPLE;

describe('a submission nobody could approve', () => {
  it('is refused in the modal with the reason, tells no approver and uses no request number', async () => {
    e = await startE2E();
    // osc-ops needs two platform leads; with Dave deactivated only Carol is left.
    e.world.slack.workspace.deactivateUser(dave.id);
    const refused = await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'osc-ops', duration: '1h', reason: 'maintenance' });
    expect(refused.shown).toContain('Nobody could approve this request: stage 1 (platform-leads) needs 2 approvers other than you with an active Slack account, and has only 1.');
    expect(refused.shown).toContain('Nothing was done.');
    expect(e.world.slack.workspace.messagesIn('C0AUDIT')).toEqual([]);
    expect(e.world.slack.workspace.dmWith(carol.id)).toEqual([]);
    const next = await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', duration: '1h', reason: 'deploy' });
    expect(next.shown).toContain('REQ-0001');
  });
});
