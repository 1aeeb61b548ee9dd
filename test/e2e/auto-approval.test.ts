/** Auto-approval through Slack, against the strict simulator: a rule approves within its cap, then people decide. */
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, auditThread, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, bob } = PEOPLE;

/** The sandbox policy, with one rule on Cloudflare production admins: an hour at most, once a day per person. */
const withRule = (text: string) =>
  text.replace(
    '    approvers: [managers]\n    maxDuration: 8h\n    requireReason: true\n',
    '    approvers: [managers]\n    maxDuration: 8h\n    requireReason: true\n' +
      '    autoApprove:\n      - name: short-fix\n        maxDuration: 1h\n        cap: { uses: 1, per: 1d }\n',
  );

describe('auto-approval through Slack', () => {
  it('approves at once by rule — no approver asked, "approved by rule" in the thread — then, past its cap, asks the manager', async () => {
    e = await startE2E({ policy: withRule });
    const first = await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'cf-prod-admins',
      duration: '1h',
      reason: 'hotfix 17',
    });
    expect(first.shown).toMatch(/REQ-0001\* · .* is approved by rule \*short-fix\*: carrying it out now/);
    const member = [...e.world.cloudflare.state.members.values()].find((m) => m.email === alice.email);
    expect(e.world.cloudflare.state.groupMembers(e.world.ids.cloudflareGroup)).toContain(member?.id);
    expect(auditThread(e, 'REQ-0001').replies.join('\n')).toMatch(
      /Submitted by <@U0ALICE>\.[^\n]*\n:robot_face: Stage 1 \(\*managers\*\) approved by rule \*short-fix\*\. Carrying it out\.[\s\S]*added/,
    );
    expect(
      e.world.slack.workspace.dmWith(bob.id).some((m) => JSON.stringify(m.blocks ?? []).includes('iam_approve')),
    ).toBe(false);
    expect(
      e.world.slack.workspace
        .dmWith(alice.id)
        .map((m) => m.text)
        .join('\n'),
    ).toMatch(/Approved by rule short-fix\. Carrying it out now/);

    const second = await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'cf-prod-admins',
      duration: '1h',
      reason: 'hotfix 18',
    });
    expect(second.shown).toMatch(/REQ-0002\* · .* is submitted\. I will/);
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    expect(auditThread(e, 'REQ-0002').replies.join('\n')).toMatch(/Approved by <@U0BOB>/);
  });
});
