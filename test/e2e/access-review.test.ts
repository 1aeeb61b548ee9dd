/**
 * An access review end to end (issue 14 item 3): asked for with `iam-bot review start` while the bot runs,
 * started at the bot's tick on a 120-member Outscale group, decided through the real Bolt app against the
 * strict Slack simulator (Block Kit limits on every message, so the 20-member pages are what Slack takes),
 * removals carried out on the Outscale simulator, the deadline closing it with the undecided left in place.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Review } from '../../src/domain/review.ts';
import { cli } from '../support/cli.ts';
import { FakeClock } from '../support/doubles.ts';
import { PEOPLE, auditThread, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

// The sandbox world's policy reviews osc-ops (its Outscale group `ops`) by the platform leads: 7d, reminded after 3d.
const DAY = 24 * 3_600_000;
const { alice, carol, dave, erin } = PEOPLE;

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

/** The reviewer's review message (the newest DM with a review button or page). */
function reviewDm(world: E2E, user: string) {
  const dm = world.world.slack.workspace
    .dmWith(user)
    .filter((m) => JSON.stringify(m.blocks ?? []).includes('Access review'))
    .at(-1);
  if (!dm) throw new Error(`no review message to ${user}`);
  return dm;
}

/** Erin asks for a review of osc-ops with `iam-bot review start` while the bot runs; the bot's tick starts it. */
async function startReview(world: E2E): Promise<{ asked: { stdout: string }; review: Review }> {
  const policy = join(world.dataDir, 'policy.yml');
  await writeFile(policy, world.world.policy);
  const asked = await cli(
    ['review', 'start', '--item', 'osc-ops', '--actor', erin.id, '--config', policy, '--data', world.dataDir],
    world.world.env,
  );
  expect(asked.stderr).toBe('');
  expect(asked.code).toBe(0);
  await world.bot.services.reviews.tick();
  await world.bot.idle();
  const [review] = (await world.bot.services.store.reviews.list()) as [Review];
  return { asked, review };
}

const blocksOf = (m: { blocks?: unknown }) => JSON.stringify(m.blocks ?? []);
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('access review through Slack', () => {
  it('pages 120 members, removes exactly those marked, keeps the rest, and closes with the undecided reported and left', async () => {
    const clock = new FakeClock(Date.now());
    e = await startE2E({ clock });
    const others = Array.from({ length: 118 }, (_, i) => `member${String(i + 1).padStart(3, '0')}`);
    for (const name of others) {
      e.world.outscale.state.addUser(name);
      e.world.outscale.state.addMember('ops', name);
    }
    // Both reviewers are members too: neither decides on their own membership.
    e.world.outscale.state.addMember('ops', 'carol');
    e.world.outscale.state.addMember('ops', 'dave');

    const { asked, review } = await startReview(e);
    expect(asked.stdout).toContain(review.ref);
    expect(review.status.state).toBe('open');
    expect(review.members).toHaveLength(120);
    const index = (name: string) => review.members.findIndex((m) => m.name === name);

    // Carol's message: page 1 of 6, 20 Keep/Remove pairs, her own membership not among them.
    let dm = reviewDm(e, carol.id);
    expect(count(blocksOf(dm), '"iam_review_keep"')).toBe(20);
    expect(blocksOf(dm)).toContain('page 1 of 6 (119 members for you)');
    expect(blocksOf(dm)).not.toContain(`"decide:${index('carol')}"`);
    const at = { channel: dm.channel, ts: dm.ts };
    const decide = async (user: string, actionId: string, name: string, message = at) => {
      const result = await e!.client.clickButton({ user, message, actionId, blockId: `decide:${index(name)}` });
      expect(result.status).toBe(200);
      await e!.bot.idle();
    };
    await decide(carol.id, 'iam_review_remove', 'member001');
    // Ack first: the click is answered at once even while Slack makes the reviewer check wait 3 s.
    e.world.slack.injectFault({ kind: 'ratelimited', retryAfterSeconds: 3 }, { method: 'usergroups.users.list' });
    const clicked = Date.now();
    const kept = await e.client.clickButton({
      user: carol.id,
      message: at,
      actionId: 'iam_review_keep',
      blockId: `decide:${index('member002')}`,
    });
    expect(kept.status).toBe(200);
    expect(Date.now() - clicked).toBeLessThan(1_500);
    await e.bot.idle();

    // The next page, then a removal there.
    expect((await e.client.clickButton({ user: carol.id, message: at, actionId: 'iam_review_page:0' })).status).toBe(
      200,
    );
    await e.bot.idle();
    dm = reviewDm(e, carol.id);
    expect(blocksOf(dm)).toContain('page 2 of 6');
    expect(blocksOf(dm)).toContain('member021');
    expect(blocksOf(dm)).not.toContain('member001');
    await decide(carol.id, 'iam_review_remove', 'member030');

    // Dave decides on Carol; a click on a member already decided changes nothing and is told privately.
    const daveDm = reviewDm(e, dave.id);
    const daveAt = { channel: daveDm.channel, ts: daveDm.ts };
    await decide(dave.id, 'iam_review_keep', 'carol', daveAt);
    const stale = await e.client.blockAction({
      user: dave.id,
      message: daveAt,
      actions: [
        {
          type: 'button',
          action_id: 'iam_review_keep',
          block_id: `decide:${index('member001')}`,
          value: `${review.id}:${index('member001')}`,
        },
      ],
    });
    expect(stale.status).toBe(200);
    await e.bot.idle();
    expect(JSON.stringify(e.world.slack.workspace.ephemeralFor(dave.id))).toContain('was already decided');
    await e.bot.services.reviews.tick();
    await e.bot.idle();
    const members = e.world.outscale.state.membersOf('ops');
    expect(members).not.toContain('member001');
    expect(members).not.toContain('member030');
    expect(members).toHaveLength(118);
    expect(members).toContain('member002');
    expect(members).toContain('member003');
    expect(members).toContain('carol');

    // Past the deadline the review closes: every button goes, the undecided stay and the admin hears.
    clock.advance(7 * DAY);
    await e.bot.services.reviews.tick();
    await e.bot.idle();
    expect(e.world.outscale.state.membersOf('ops')).toHaveLength(118);
    dm = reviewDm(e, carol.id);
    expect(blocksOf(dm)).not.toContain('iam_review_keep');
    expect(blocksOf(dm)).toContain('is closed: 2 kept, 2 removed, 116 not decided');
    const erinDms = JSON.stringify(e.world.slack.workspace.dmWith(erin.id));
    expect(erinDms).toContain(`${review.ref}`);
    expect(erinDms).toContain('116 members nobody decided on');
    const thread = e.world.slack.workspace
      .messagesIn('C0AUDIT')
      .find((m) => !m.thread_ts && JSON.stringify(m).includes(review.ref));
    expect(thread).toBeDefined();
    const replies = e.world.slack.workspace.threadOf(thread!.channel, thread!.ts).map((m) => m.text ?? '');
    expect(replies.some((r) => r.startsWith('Started: 120 members listed'))).toBe(true);
    expect(replies.filter((r) => r.includes('removed by') || r.includes('kept by'))).toHaveLength(4);
    expect(replies.some((r) => r.startsWith('Closed at its deadline: 2 kept, 2 removed, 116 not decided'))).toBe(true);

    const report = await cli(['review', 'report', '--review', review.ref, '--data', e.dataDir]);
    expect(report.code).toBe(0);
    const rows = report.stdout.trim().split('\r\n');
    expect(rows).toHaveLength(121);
    expect(rows.filter((r) => r.includes(',remove,'))).toHaveLength(2);
    expect(rows.filter((r) => r.includes(',undecided,'))).toHaveLength(116);
  }, 120_000);

  it("removing a member ends their timed grant of the group: the holder's Extend and I'm done go and they are told why (Slack 300 ms late, a 429 on every other call)", async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'osc-ops',
      duration: '4h',
      reason: 'incident',
    });
    await click(e, carol.id, dmWithButton(e, carol.id, 'iam_approve'), 'iam_approve');
    await click(e, dave.id, dmWithButton(e, dave.id, 'iam_approve'), 'iam_approve');
    expect(e.world.outscale.state.membersOf('ops')).toContain('alice');
    const grantDm = dmWithButton(e, alice.id, 'iam_release');

    const { review } = await startReview(e);
    const dm = reviewDm(e, carol.id);
    // From the decision on, production conditions: every Slack call late, every other one rate limited.
    e.world.slack.setConditions({ latencyMs: 300, rateLimitEvery: 2, retryAfterSeconds: 1 });
    const clicked = await e.client.clickButton({
      user: carol.id,
      message: { channel: dm.channel, ts: dm.ts },
      actionId: 'iam_review_remove',
      blockId: `decide:${review.members.findIndex((m) => m.name === 'alice')}`,
    });
    expect(clicked.status).toBe(200);
    await e.bot.idle();

    expect(e.world.outscale.state.membersOf('ops')).not.toContain('alice');
    const grant = await e.bot.services.service.find('REQ-0001');
    expect(grant.status.state).toBe('revoked');
    const updated = e.world.slack.workspace.message(grantDm.channel, grantDm.ts);
    expect(blocksOf(updated ?? {})).not.toContain('iam_release');
    expect(blocksOf(updated ?? {})).not.toContain('iam_extend');
    const told = e.world.slack.workspace.dmWith(alice.id).map((m) => m.text ?? '');
    expect(told.some((t) => t.includes('An access review removed you from the group (REQ-0002)'))).toBe(true);
    const thread = auditThread(e, 'REQ-0001').replies.join('\n');
    expect(thread).toContain('an access review removed the member from the group (REQ-0002)');
  }, 240_000);
});
