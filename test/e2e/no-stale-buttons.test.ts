/**
 * No stale buttons anywhere (issue 13 item 4), through the real Bolt app and the strict Slack simulator:
 * every stage's approval message and the App Home of everyone a change concerns lose their buttons once
 * the request moves on or ends; Extend and "I'm done" go once the access ended; Reveal goes once revealed
 * or expired; and a click on a button that raced its update is told why, privately, and changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/doubles.ts';
import { PEOPLE, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const HOUR = 3_600_000;
const { alice, bob, carol, dave, erin } = PEOPLE;
const EVERYONE = [alice, bob, carol, dave, erin].map((p) => p.id);
const BUTTONS = ['iam_approve', 'iam_deny', 'iam_extend', 'iam_release', 'iam_reveal', 'iam_rotation_done'];

/** A button as a block_actions payload carries it. */
type Button = Record<string, unknown> & { action_id: string; value?: string };

/** Every button in a message or view's blocks. */
function buttonsIn(blocks: unknown): Button[] {
  const found: Button[] = [];
  for (const block of (blocks ?? []) as { elements?: { type?: string }[] }[]) {
    for (const element of block.elements ?? [])
      if (element.type === 'button')
        found.push({ ...(element as Button), block_id: (block as { block_id?: string }).block_id ?? '' });
  }
  return found.filter((b) => BUTTONS.includes(b.action_id));
}

/** The live buttons `user` can see: in every DM with the bot and on their Home. */
function liveButtons(user: string): string[] {
  const dms = e.world.slack.workspace.dmWith(user).flatMap((m) => buttonsIn(m.blocks));
  const home = buttonsIn(e.world.slack.workspace.home(user)?.view.blocks);
  return [...dms, ...home].map((b) => `${b.action_id}:${b.value ?? ''}`);
}

function homeText(user: string): string {
  return JSON.stringify(e.world.slack.workspace.home(user)?.view.blocks ?? []);
}

/** `user`'s DM about one request that carries a button of this action id. */
async function dmAbout(user: string, ref: string, actionId: string): Promise<{ channel: string; ts: string }> {
  const id = (await e.bot.services.service.find(ref)).id;
  const found = e.world.slack.workspace
    .dmWith(user)
    .find((m) => buttonsIn(m.blocks).some((b) => b.action_id === actionId && (b.value ?? '').startsWith(id)));
  if (!found) throw new Error(`no DM to ${user} about ${ref} has a ${actionId} button`);
  return { channel: found.channel, ts: found.ts };
}

/** A form the bot opened for this person over a stale button (the modal left open by their own request aside). */
function formOpened(user: string, callbackId: string): boolean {
  return e.world.slack.workspace.openView(user)?.view.callback_id === callbackId;
}

/** A button of a DM, as a click that raced the message's update would send it. */
function buttonOf(message: { channel: string; ts: string }, actionId: string): Button {
  const button = buttonsIn(e.world.slack.workspace.message(message.channel, message.ts)?.blocks).find(
    (b) => b.action_id === actionId,
  );
  if (!button) throw new Error(`no ${actionId} button in ${message.ts}`);
  return button;
}

function homeButton(user: string, actionId: string): { view: string; button: Button } {
  const home = e.world.slack.workspace.home(user);
  const button = buttonsIn(home?.view.blocks).find((b) => b.action_id === actionId);
  if (!home || !button) throw new Error(`no ${actionId} button on ${user}'s Home`);
  return { view: String(home.view.id), button };
}

/** What `user` was last told privately: an ephemeral message where they clicked, or a DM. */
function lastPrivate(user: string, where: 'ephemeral' | 'dm'): string {
  if (where === 'ephemeral') return e.world.slack.workspace.ephemeralFor(user).at(-1)?.text ?? '';
  return JSON.stringify(e.world.slack.workspace.dmWith(user).at(-1) ?? {});
}

/** The request and how many messages and views were changed, so a stale click can be shown to change nothing. */
async function snapshot(ref: string): Promise<unknown> {
  const request = await e.bot.services.service.find(ref);
  const changes = e.world.slack.calls.filter((c) =>
    ['chat.update', 'views.open', 'views.publish'].includes(c.method),
  ).length;
  return { version: request.version, status: request.status, approvals: request.approvals, changes };
}

async function at(clock: FakeClock, ms: number): Promise<void> {
  clock.time = ms;
  await e.bot.services.service.tick();
  await e.bot.idle();
}

describe('approval messages and App Homes', () => {
  it('a two-stage request: each step refreshes every concerned Home and settles every earlier message; stale clicks are told why and change nothing', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'scw-developers', reason: 'new project' });
    // The Homes are published by the notifier, without anyone opening them.
    expect(homeText(alice.id)).toContain('REQ-0001');
    // The admin sees it in the admin section of their Home.
    expect(homeText(erin.id)).toContain('REQ-0001');
    expect(liveButtons(bob.id).filter((b) => b.startsWith('iam_approve'))).toHaveLength(2); // the DM and the Home
    expect(liveButtons(carol.id)).toEqual([]);
    const bobsAsk = dmWithButton(e, bob.id, 'iam_approve');
    const staleApprove = buttonOf(bobsAsk, 'iam_approve');
    const staleHomeApprove = homeButton(bob.id, 'iam_approve');

    await click(e, bob.id, bobsAsk, 'iam_approve');
    expect(liveButtons(bob.id)).toEqual([]);
    for (const lead of [carol.id, dave.id])
      expect(liveButtons(lead).filter((b) => b.startsWith('iam_approve'))).toHaveLength(2);
    const davesHome = homeButton(dave.id, 'iam_deny');

    await click(e, carol.id, dmWithButton(e, carol.id, 'iam_approve'), 'iam_approve');
    expect(e.world.scaleway.state.group(e.world.ids.scalewayGroup)?.userIds).toHaveLength(1);
    for (const user of EVERYONE) expect(liveButtons(user), user).toEqual([]);
    for (const user of EVERYONE) expect(homeText(user), user).not.toContain('REQ-0001');
    expect(homeText(alice.id)).toContain('None.');

    // A click that raced the updates: told privately where it was made, and nothing changes.
    const before = await snapshot('REQ-0001');
    await e.client.blockAction({ user: bob.id, message: bobsAsk, actions: [staleApprove] });
    await e.bot.idle();
    expect(lastPrivate(bob.id, 'ephemeral')).toMatch(/REQ-0001 is already completed; there is nothing left to decide/);
    await e.client.blockAction({ user: bob.id, view: staleHomeApprove.view, actions: [staleHomeApprove.button] });
    await e.bot.idle();
    // The Home has no channel to answer in: the answer comes by DM.
    expect(lastPrivate(bob.id, 'dm')).toMatch(/REQ-0001 is already completed; there is nothing left to decide/);
    await e.client.blockAction({ user: dave.id, view: davesHome.view, actions: [davesHome.button] });
    await e.bot.idle();
    expect(lastPrivate(dave.id, 'dm')).toMatch(/REQ-0001 is already completed; there is nothing left to decide/);
    // No Deny form opened over a request with nothing left to decide.
    expect(formOpened(dave.id, 'iam_deny_reason')).toBe(false);
    expect(await snapshot('REQ-0001')).toEqual(before);
  });

  it('a denial, a cancellation and an expiry each leave no live button in any DM or Home', async () => {
    const clock = new FakeClock(Date.now());
    e = await startE2E({ clock });
    const t0 = clock.now();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'to be denied' });
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'to be cancelled' });
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'to expire' });
    expect(liveButtons(bob.id).filter((b) => b.startsWith('iam_deny'))).toHaveLength(6);

    await click(e, bob.id, await dmAbout(bob.id, 'REQ-0001', 'iam_deny'), 'iam_deny');
    await e.client.submitView({ user: bob.id, values: { reason: 'not this quarter' } });
    await e.bot.idle();
    const denied = (await e.bot.services.service.find('REQ-0001')).id;
    expect(liveButtons(bob.id).filter((b) => b.includes(denied))).toEqual([]);

    await e.client.slashCommand({ user: alice.id, text: 'cancel REQ-0002' });
    await e.bot.idle();
    const cancelled = (await e.bot.services.service.find('REQ-0002')).id;
    expect(liveButtons(bob.id).filter((b) => b.includes(cancelled))).toEqual([]);
    expect(liveButtons(bob.id).length).toBeGreaterThan(0);

    await at(clock, t0 + 25 * HOUR);
    expect((await e.bot.services.service.find('REQ-0003')).status.state).toBe('expired');
    for (const user of EVERYONE) expect(liveButtons(user), user).toEqual([]);
    expect(homeText(alice.id)).toContain('None.');
    expect(homeText(bob.id)).toContain('Nothing to decide.');
  });
});

describe("the holder's Extend and I'm done", () => {
  it('go once the access period ends; a click that raced the update is told why, privately, and opens nothing', async () => {
    const clock = new FakeClock(Date.now());
    e = await startE2E({ clock });
    await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'cf-prod-admins',
      duration: '1h',
      reason: 'deploy',
    });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    const granted = clock.now();
    expect(liveButtons(alice.id).filter((b) => b.startsWith('iam_release'))).toHaveLength(1);
    await at(clock, granted + 45 * 60_000);
    const warning = dmWithButton(e, alice.id, 'iam_extend');
    const staleExtend = buttonOf(warning, 'iam_extend');
    const staleDone = buttonOf(warning, 'iam_release');
    expect(liveButtons(alice.id).filter((b) => b.startsWith('iam_release'))).toHaveLength(2);

    await at(clock, granted + HOUR);
    expect(e.world.cloudflare.state.groupMembers(e.world.ids.cloudflareGroup)).toHaveLength(0);
    expect(liveButtons(alice.id)).toEqual([]);
    expect(JSON.stringify(e.world.slack.workspace.message(warning.channel, warning.ts)?.blocks)).toMatch(
      /Access ended|removing it now/,
    );

    const before = await snapshot('REQ-0001');
    await e.client.blockAction({ user: alice.id, message: warning, actions: [staleExtend] });
    await e.bot.idle();
    expect(lastPrivate(alice.id, 'ephemeral')).toMatch(/REQ-0001 is not active, timed access .*nothing to extend/);
    expect(formOpened(alice.id, 'iam_extend_grant')).toBe(false);
    await e.client.blockAction({ user: alice.id, message: warning, actions: [staleDone] });
    await e.bot.idle();
    expect(lastPrivate(alice.id, 'ephemeral')).toMatch(
      /REQ-0001 is already revoked: there is no active, timed access left to end/,
    );
    expect(await snapshot('REQ-0001')).toEqual(before);
  });

  it("go once the holder clicks I'm done; an extension moves the end and the warning loses its Extend", async () => {
    const clock = new FakeClock(Date.now());
    e = await startE2E({ clock });
    await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'cf-prod-admins',
      duration: '1h',
      reason: 'deploy',
    });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    await at(clock, clock.now() + 45 * 60_000);
    const warning = dmWithButton(e, alice.id, 'iam_extend');
    await click(e, alice.id, warning, 'iam_extend');
    await e.client.submitView({ user: alice.id, values: { duration: '1h', reason: 'more' } });
    await e.bot.idle();
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    const shown = JSON.stringify(e.world.slack.workspace.message(warning.channel, warning.ts)?.blocks);
    expect(shown).not.toContain('iam_extend');
    expect(shown).toContain('iam_release');
    expect(shown).toContain('Granted until');

    await click(e, alice.id, warning, 'iam_release');
    expect(e.world.cloudflare.state.groupMembers(e.world.ids.cloudflareGroup)).toHaveLength(0);
    expect(liveButtons(alice.id)).toEqual([]);
  });
});

describe('the Reveal button', () => {
  it('goes once the new key can no longer be revealed; a late click is told why and changes nothing', async () => {
    const clock = new FakeClock(Date.now());
    e = await startE2E({ clock });
    const keysBefore = e.world.outscale.state.keysOf('alice').map((k) => k.id);
    await requestThroughModal(e, alice.id, { kind: 'key.rotate', itemId: 'osc-my-key', reason: 'rotation' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    const reveal = dmWithButton(e, alice.id, 'iam_reveal');
    const staleReveal = buttonOf(reveal, 'iam_reveal');
    await at(clock, clock.now() + HOUR);
    expect(e.world.outscale.state.keysOf('alice').map((k) => k.id)).toEqual(keysBefore);
    expect(liveButtons(alice.id)).toEqual([]);
    expect(JSON.stringify(e.world.slack.workspace.message(reveal.channel, reveal.ts)?.blocks)).toContain(
      'not revealed in time',
    );

    const before = await snapshot('REQ-0001');
    await e.client.blockAction({ user: alice.id, message: reveal, actions: [staleReveal] });
    await e.bot.idle();
    expect(lastPrivate(alice.id, 'ephemeral')).toMatch(/REQ-0001 is not waiting for you to reveal its new key/);
    expect(formOpened(alice.id, 'iam_reveal_secret')).toBe(false);
    expect(await snapshot('REQ-0001')).toEqual(before);
  });

  it('goes once revealed, through the outbox; "I have updated my systems" goes once confirmed', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'key.rotate', itemId: 'osc-my-key', reason: 'rotation' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    const reveal = dmWithButton(e, alice.id, 'iam_reveal');
    await click(e, alice.id, reveal, 'iam_reveal');
    expect(liveButtons(alice.id)).toEqual([`iam_rotation_done:${(await e.bot.services.service.find('REQ-0001')).id}`]);
    await click(e, alice.id, reveal, 'iam_rotation_done');
    expect(liveButtons(alice.id)).toEqual([]);
    expect(JSON.stringify(e.world.slack.workspace.message(reveal.channel, reveal.ts)?.blocks)).toContain(
      'Rotation complete',
    );
  });
});
