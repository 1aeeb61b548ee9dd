import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, auditThread, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

describe('group access through Slack', () => {
  it('request → manager approves → membership on Cloudflare → audit thread and requester DM', async () => {
    e = await startE2E();
    const submitted = await requestThroughModal(e, PEOPLE.alice.id, { kind: 'group.add', itemId: 'cf-prod-admins', duration: '2h', reason: 'incident 4242' });
    expect(submitted.outcome).toBe('closed');
    const approval = dmWithButton(e, PEOPLE.bob.id, 'iam_approve');
    await click(e, PEOPLE.bob.id, approval, 'iam_approve');
    const alice = [...e.world.cloudflare.state.members.values()].find((m) => m.email === PEOPLE.alice.email);
    expect(e.world.cloudflare.state.groupMembers(e.world.ids.cloudflareGroup)).toContain(alice?.id);
    const thread = auditThread(e, 'REQ-0001');
    expect(thread.replies.join('\n')).toMatch(/Submitted by <@U0ALICE>[\s\S]*Approved by <@U0BOB>[\s\S]*Calling cf[\s\S]*added/);
    expect(thread.root).toContain('Granted until');
    const settled = e.world.slack.workspace.message(approval.channel, approval.ts);
    expect(JSON.stringify(settled?.blocks)).not.toContain('iam_approve');
    expect(e.world.slack.workspace.dmWith(PEOPLE.alice.id).map((m) => m.text).join('\n')).toMatch(/Granted until|Done/);
  });
});
