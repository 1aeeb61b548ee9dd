/**
 * Break-glass through Slack, against the strict simulator, on the sandbox's own break-glass item (osc-ops):
 * the modal offers Emergency only for it; an emergency is carried out at once, the admins and the audit
 * channel hear loudly, the reviewer (the requester's manager) gets Confirm / Flag; Flag asks why, tells
 * the admins and takes the buttons away; past the rate limit the requester is refused privately.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';
import {
  PEOPLE,
  auditThread,
  click,
  dmWithButton,
  modalText,
  openRequestModal,
  startE2E,
  type E2E,
} from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, bob, erin } = PEOPLE;
type Block = { block_id?: string; type?: string };

/** /iam, the kind, then the item chosen (which rebuilds the modal); the open modal's id and blocks. */
async function chooseItem(user: string, itemId: string): Promise<{ viewId: string; blocks: Block[] }> {
  const viewId = await openRequestModal(e, user, 'group.add');
  const suggestion = await e.client.blockSuggestion({ user, view: viewId, actionId: 'iam_item', value: '' });
  const option = suggestion.options.find((o) => o.value === itemId);
  await e.client.blockAction({
    user,
    view: viewId,
    actions: [{ type: 'external_select', action_id: 'iam_item', block_id: 'item', selected_option: option }],
  });
  await e.bot.idle();
  return { viewId, blocks: (e.world.slack.workspace.openView(user)?.view.blocks ?? []) as Block[] };
}

async function emergency(reason: string): Promise<string> {
  const { viewId } = await chooseItem(alice.id, 'osc-ops');
  await e.client.submitView({ user: alice.id, viewId, values: { break_glass: ['break-glass'], emergency: reason } });
  await e.bot.idle();
  return modalText(e, alice.id);
}

const dmText = (user: string) =>
  e.world.slack.workspace
    .dmWith(user)
    .map((m) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`)
    .join('\n');

describe('break-glass through Slack', () => {
  it('offers Emergency only where allowed; carries it out at once; tells admins, audit channel, reviewer; Flag escalates; rate-limited', async () => {
    e = await startE2E();
    const ordinary = await chooseItem(alice.id, 'cf-prod-admins');
    expect(ordinary.blocks.map((b) => b.block_id)).not.toContain('break_glass');
    const allowed = await chooseItem(alice.id, 'osc-ops');
    expect(allowed.blocks.map((b) => b.block_id)).toEqual(expect.arrayContaining(['break_glass', 'emergency']));

    // Ticked without saying what the emergency is: refused on that field, nothing done.
    const refused = await e.client.submitView({
      user: alice.id,
      viewId: allowed.viewId,
      values: { break_glass: ['break-glass'] },
    });
    expect(refused.errors).toEqual({ emergency: expect.stringMatching(/needs the emergency/) });

    expect(await emergency('ops outage, leads asleep')).toMatch(/REQ-0001\* · .* granted at once as an emergency/);
    expect(e.world.outscale.state.membersOf('ops')).toContain('alice');
    // Loud: the admin by DM, the audit channel by a message of its own, and the thread.
    expect(dmText(erin.id)).toMatch(/Break-glass/);
    const loud = e.world.slack.workspace
      .messagesIn('C0AUDIT')
      .filter((m) => !m.thread_ts && /Break-glass/.test(m.text ?? ''));
    expect(loud).toHaveLength(1);
    expect(auditThread(e, 'REQ-0001').replies.join('\n')).toMatch(/Break-glass by <@U0ALICE>: carried out at once/);
    expect(dmText(alice.id)).toMatch(/Break-glass: carrying it out now/);

    // The reviewer, Alice's manager, flags it: a modal asks why; the admins hear; the buttons go.
    const review = dmWithButton(e, bob.id, 'iam_break_glass_flag');
    await click(e, bob.id, review, 'iam_break_glass_flag');
    const flagView = e.world.slack.workspace.openView(bob.id);
    expect(flagView?.view.callback_id).toBe('iam_break_glass_flag_reason');
    await e.client.submitView({
      user: bob.id,
      viewId: String(flagView?.view.id),
      values: { reason: 'no incident open' },
    });
    await e.bot.idle();
    expect(auditThread(e, 'REQ-0001').replies.join('\n')).toMatch(/Break-glass flagged by <@U0BOB>: no incident open/);
    expect(dmText(erin.id)).toMatch(/Break-glass flagged/);
    expect(JSON.stringify(e.world.slack.workspace.dmWith(bob.id).map((m) => m.blocks))).not.toContain(
      'iam_break_glass_confirm',
    );

    // The sandbox allows two per person per 7d: the third is refused, privately, and nothing is done.
    expect(await emergency('still down')).toMatch(/REQ-0002\*/);
    expect(await emergency('down again')).toMatch(
      /You already used break-glass on Outscale ops 2 times in the last 7d/,
    );
    expect((await e.bot.services.service.history(alice.id)).length).toBe(2);

    // The loud messages beside the threads are not taken for threads: the channel still checks against the log.
    const verified = await cli(['audit', 'verify', '--slack', '--channel', 'C0AUDIT', '--data', e.dataDir], {
      SLACK_BOT_TOKEN: e.world.slack.botToken,
      SLACK_API_URL: e.world.slack.apiUrl,
    });
    expect(verified.stdout).toMatch(/2 threads, \d+ replies, each matching its log entry/);
    expect(verified.code).toBe(0);
  });

  it('under production conditions (Slack slow, a 429 on every other call, the bot not in the audit channel) is still carried out at once, and the admins still hear of it and of the channel', async () => {
    e = await startE2E();
    e.world.slack.workspace.removeBot('C0AUDIT');
    e.world.slack.setConditions({ latencyMs: 300, rateLimitEvery: 2, retryAfterSeconds: 1, spare: ['views.open'] });
    const reason = 'x'.repeat(500);
    expect(await emergency(reason)).toMatch(/REQ-0001\* · .* granted at once as an emergency/);
    expect(e.world.outscale.state.membersOf('ops')).toContain('alice');
    expect(dmText(erin.id)).toMatch(/Break-glass/);
    expect(dmText(erin.id)).toContain('/invite @iam-bot');
    expect(e.world.slack.workspace.messagesIn('C0AUDIT')).toEqual([]);
    expect(dmWithButton(e, bob.id, 'iam_break_glass_flag')).toBeDefined();
    expect(e.world.slack.calls.some((c) => c.error === 'ratelimited')).toBe(true);
    expect(await e.bot.services.store.pendingNotices()).toEqual([]);
  }, 120_000); // every Slack call 300 ms late and half of them waiting out a 429's second
});
