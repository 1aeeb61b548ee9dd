import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, auditThread, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, bob, carol, dave } = PEOPLE;

describe('group access through Slack, on every provider', () => {
  it('Cloudflare: request → manager approves → membership → audit thread and requester DM', async () => {
    e = await startE2E();
    const submitted = await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'cf-prod-admins',
      duration: '2h',
      reason: 'incident 4242',
    });
    expect(submitted.outcome).toBe('updated');
    expect(submitted.shown).toMatch(/REQ-0001\* · .* is submitted/);
    const approval = dmWithButton(e, bob.id, 'iam_approve');
    await click(e, bob.id, approval, 'iam_approve');
    const member = [...e.world.cloudflare.state.members.values()].find((m) => m.email === alice.email);
    expect(e.world.cloudflare.state.groupMembers(e.world.ids.cloudflareGroup)).toContain(member?.id);
    const thread = auditThread(e, 'REQ-0001');
    expect(thread.replies.join('\n')).toMatch(
      /Submitted by <@U0ALICE>[\s\S]*Approved by <@U0BOB>[\s\S]*Calling cf[\s\S]*added/,
    );
    expect(thread.root).toContain('Granted until');
    const settled = e.world.slack.workspace.message(approval.channel, approval.ts);
    expect(JSON.stringify(settled?.blocks)).not.toContain('iam_approve');
    expect(
      e.world.slack.workspace
        .dmWith(alice.id)
        .map((m) => m.text)
        .join('\n'),
    ).toMatch(/Submitted[\s\S]*Approved[\s\S]*Granted until/);
  });

  it('Scaleway: two stages, manager then a platform lead from the Slack user group', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'scw-developers', reason: 'new team' });
    const stage1 = dmWithButton(e, bob.id, 'iam_approve');
    await click(e, bob.id, stage1, 'iam_approve');
    expect(JSON.stringify(e.world.slack.workspace.message(stage1.channel, stage1.ts)?.blocks)).toContain(
      'Stage 1 approved by <@U0BOB>',
    );
    await click(e, carol.id, dmWithButton(e, carol.id, 'iam_approve'), 'iam_approve');
    const userId = [...e.world.scaleway.state.users.values()].find((u) => u.email === alice.email)?.id;
    expect(e.world.scaleway.state.group(e.world.ids.scalewayGroup)?.userIds).toContain(userId);
    // Dave's copy of the stage-2 message no longer offers a live button.
    expect(
      e.world.slack.workspace.dmWith(dave.id).every((m) => !JSON.stringify(m.blocks ?? []).includes('iam_approve')),
    ).toBe(true);
  });

  it('Outscale: a quorum of two platform leads; one lead clicking twice does not count twice', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'osc-ops', duration: '1h', reason: 'deploy' });
    const carolMessage = dmWithButton(e, carol.id, 'iam_approve');
    await click(e, carol.id, carolMessage, 'iam_approve');
    await click(e, carol.id, carolMessage, 'iam_approve');
    expect(e.world.outscale.state.membersOf('ops')).toEqual([]);
    expect(
      e.world.slack.workspace
        .ephemeralFor(carol.id)
        .map((m) => m.text)
        .join('\n'),
    ).toContain('already approved');
    await click(e, dave.id, dmWithButton(e, dave.id, 'iam_approve'), 'iam_approve');
    expect(e.world.outscale.state.membersOf('ops')).toEqual(['alice']);
  });

  it('JCS: approved by the manager, the user joins the group', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'project x' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    expect(e.world.jcs.state.members('devs')).toEqual(['alice']);
  });
});
