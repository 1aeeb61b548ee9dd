/** Issue 13 item 1 through the real Bolt app: a request nobody could approve, and what admins see of stuck requests. */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/doubles.ts';
import { PEOPLE, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, bob, carol, dave, erin } = PEOPLE;
const HOUR = 3_600_000;

/**
 * REQ-0001 (Scaleway developers) is asked at t0 and passes its first stage at t0+2h; REQ-0002 (JCS
 * developers) is asked at t0+1h: the second has waited longer at its current stage.
 */
async function twoWaiting(): Promise<number> {
  const clock = new FakeClock(Date.now());
  e = await startE2E({ clock });
  const t0 = clock.now();
  await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'scw-developers', reason: 'build' });
  clock.time = t0 + HOUR;
  await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'deploy' });
  clock.time = t0 + 2 * HOUR;
  const first = e.world.slack.workspace
    .dmWith(bob.id)
    .find((m) => JSON.stringify(m).includes('REQ-0001') && JSON.stringify(m.blocks ?? []).includes('iam_approve'));
  if (!first) throw new Error('Bob was not asked to approve REQ-0001');
  await click(e, bob.id, { channel: first.channel, ts: first.ts }, 'iam_approve');
  expect(dmWithButton(e, carol.id, 'iam_approve')).toBeDefined();
  return t0;
}

const date = (ms: number) => `<!date^${Math.floor(ms / 1000)}^`;

describe('a submission nobody could approve', () => {
  it('is refused in the modal with the reason, tells no approver and uses no request number', async () => {
    e = await startE2E();
    // osc-ops needs two platform leads; with Dave deactivated only Carol is left.
    e.world.slack.workspace.deactivateUser(dave.id);
    const refused = await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'osc-ops',
      duration: '1h',
      reason: 'maintenance',
    });
    expect(refused.shown).toContain(
      'Nobody could approve this request: stage 1 (platform-leads) needs 2 approvers other than you with an active Slack account, and has only 1.',
    );
    expect(refused.shown).toContain('Nothing was done.');
    expect(e.world.slack.workspace.messagesIn('C0AUDIT')).toEqual([]);
    expect(e.world.slack.workspace.dmWith(carol.id)).toEqual([]);
    const next = await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'jcs-devs',
      duration: '1h',
      reason: 'deploy',
    });
    expect(next.shown).toContain('REQ-0001');
  });
});

describe('admins see stuck requests', () => {
  it('/iam pending --all lists every waiting request to an admin, longest waiting first, with who it waits on', async () => {
    const t0 = await twoWaiting();
    await e.client.slashCommand({ user: erin.id, text: 'pending --all' });
    await e.bot.idle();
    const text = e.world.slack.workspace.ephemeralFor(erin.id).at(-1)?.text ?? '';
    expect(text).toMatch(/^Waiting for approval, longest first:\n• \*REQ-0002\* · JCS developers/);
    expect(text.indexOf('REQ-0002')).toBeLessThan(text.indexOf('REQ-0001'));
    expect(text).toContain(`Stage 1 of 1 (*managers*) waiting since ${date(t0 + HOUR)}`);
    expect(text).toContain(`: waiting on <@${bob.id}>`);
    expect(text).toContain(`Stage 2 of 2 (*platform-leads*) waiting since ${date(t0 + 2 * HOUR)}`);
    expect(text).toContain(`: waiting on <@${carol.id}>, <@${dave.id}>`);
    expect(text).toContain(`asked by <@${alice.id}>`);
  });

  it('/iam pending --all is refused to anyone else, privately', async () => {
    await twoWaiting();
    await e.client.slashCommand({ user: carol.id, text: 'pending --all' });
    await e.bot.idle();
    const answer = e.world.slack.workspace.ephemeralFor(carol.id).at(-1)?.text ?? '';
    expect(answer).toBe(
      'Only IAM admins can list every pending request; `/iam pending` lists the approvals waiting for you.',
    );
    // Her own pending approvals are still hers to list.
    await e.client.slashCommand({ user: carol.id, text: 'pending' });
    await e.bot.idle();
    expect(e.world.slack.workspace.ephemeralFor(carol.id).at(-1)?.text).toMatch(
      /^Waiting for your approval:\n• \*REQ-0001\*/,
    );
  });

  it('App Home has an admin section for admins only, longest waiting first, with who it waits on', async () => {
    const t0 = await twoWaiting();
    await e.client.appHomeOpened({ user: erin.id });
    await e.client.appHomeOpened({ user: carol.id });
    await e.bot.idle();
    const blocks = (user: string) =>
      (e.world.slack.workspace.home(user)?.view.blocks ?? []) as { type: string; text?: { text?: string } }[];
    const erins = blocks(erin.id);
    const header = erins.findIndex((b) => b.type === 'header' && b.text?.text === 'Waiting for approval (admins)');
    expect(header).toBeGreaterThan(0);
    const [older, newer] = erins.slice(header + 1).map((b) => b.text?.text ?? '');
    expect(older).toContain('*REQ-0002* · JCS developers');
    expect(older).toContain(`waiting since ${date(t0 + HOUR)}`);
    expect(older).toContain(`waiting on <@${bob.id}>`);
    expect(newer).toContain('*REQ-0001* · Scaleway developers');
    expect(newer).toContain(`waiting on <@${carol.id}>, <@${dave.id}>`);
    expect(JSON.stringify(blocks(carol.id))).not.toContain('(admins)');
    expect(JSON.stringify(blocks(carol.id))).toContain('REQ-0001');
  });
});
