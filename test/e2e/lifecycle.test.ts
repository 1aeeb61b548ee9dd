import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../support/doubles.ts';
import {
  PEOPLE,
  auditThread,
  click,
  dmWithButton,
  modalText,
  requestThroughModal,
  startE2E,
  type E2E,
} from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const HOUR = 3_600_000;
const { alice, bob, erin } = PEOPLE;

async function at(clock: FakeClock, ms: number): Promise<void> {
  clock.time = ms;
  await e.bot.services.service.tick();
  await e.bot.idle();
}

describe('lifecycle through Slack', () => {
  it('a pending request is reminded, escalated to the admins, then expires; no live button remains', async () => {
    const clock = new FakeClock(Date.now());
    e = await startE2E({ clock });
    const t0 = clock.now();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'waiting game' });
    await at(clock, t0 + 4 * HOUR);
    expect(
      e.world.slack.workspace.dmWith(bob.id).filter((m) => JSON.stringify(m.blocks ?? []).includes('iam_approve')),
    ).toHaveLength(2);
    await at(clock, t0 + 12 * HOUR);
    expect(dmWithButton(e, erin.id, 'iam_approve')).toBeDefined();
    await at(clock, t0 + 24 * HOUR);
    for (const user of [bob.id, erin.id]) {
      for (const message of e.world.slack.workspace.dmWith(user))
        expect(JSON.stringify(message.blocks ?? [])).not.toContain('iam_approve');
    }
    const { replies } = auditThread(e, 'REQ-0001');
    expect(replies.join('\n')).toMatch(/Submitted[\s\S]*reminded[\s\S]*escalated to \*admins\*[\s\S]*Expired/);
  });

  it('a timed grant warns with Extend, the extension is approved in Slack, and the access ends at the new time', async () => {
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
    const member = () => e.world.cloudflare.state.groupMembers(e.world.ids.cloudflareGroup).length === 1;
    await at(clock, granted + 45 * 60_000);
    const warning = dmWithButton(e, alice.id, 'iam_extend');
    await click(e, alice.id, warning, 'iam_extend');
    const asked = await e.client.submitView({
      user: alice.id,
      values: { duration: '1h', reason: 'deploy still running' },
    });
    expect(asked.outcome).toBe('updated');
    await e.bot.idle();
    expect(modalText(e, alice.id)).toMatch(/REQ-0002 asks for 1h more; the approvers were asked/);
    // The extension reads as one, to its approver and to its requester (issue 13 item 5).
    const ask = dmWithButton(e, bob.id, 'iam_approve');
    expect(JSON.stringify(e.world.slack.workspace.message(ask.channel, ask.ts))).toContain(
      'asks to extend their access to *Cloudflare',
    );
    expect(JSON.stringify(e.world.slack.workspace.dmWith(alice.id).at(-1))).toContain(
      'You asked to extend your access to *Cloudflare',
    );
    await click(e, bob.id, ask, 'iam_approve');
    await at(clock, granted + HOUR);
    expect(member()).toBe(true);
    await at(clock, granted + 2 * HOUR);
    expect(member()).toBe(false);
    expect(auditThread(e, 'REQ-0001').replies.join('\n')).toMatch(
      /warned[\s\S]*Extended until[\s\S]*removing the membership[\s\S]*removed/,
    );
  });
});
