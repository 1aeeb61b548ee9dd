/**
 * Issue 16 item 1 through the real Bolt app, adapters and store: a provider that acknowledges a change
 * without doing it never gets the request reported as done, and the admins hear of it in Slack.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EFFECT_ATTEMPTS, EVENTUAL_WAITS_MS } from '../../src/workflow/verify.ts';
import { PEOPLE, auditThread, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, bob, erin } = PEOPLE;
const stateOf = async (ref: string) => (await e.bot.services.service.find(ref)).status;
const dmText = (user: string) =>
  e.world.slack.workspace
    .dmWith(user)
    .map((m) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`)
    .join('\n');

async function audit(ref: string): Promise<{ event: string; details: Record<string, unknown> }[]> {
  await e.bot.idle();
  const lines = (await readFile(join(e.dataDir, 'audit.jsonl'), 'utf8')).split('\n').filter(Boolean);
  return lines
    .map((l) => JSON.parse(l) as { event: string; requestRef?: string; details: Record<string, unknown> })
    .filter((r) => r.requestRef === ref);
}

describe('verified effects, end to end', () => {
  it('JCS acknowledges the add but never does it: failed (unverified), in the audit thread, and the admin is told by DM', async () => {
    const waits: number[] = [];
    // JCS says nothing of when a change shows, so each read-back waits within its bound: through the injected sleep.
    e = await startE2E({ sleep: async (ms) => void waits.push(ms) });
    e.world.jcs.state.lostWrites.lose('add-member', EFFECT_ATTEMPTS);
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'lost write' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    expect(await stateOf('REQ-0001')).toMatchObject({ state: 'failed', error: { kind: 'unverified' } });
    expect(e.world.jcs.state.members('devs')).toEqual([]);
    expect(e.world.jcs.server.requests.filter((r) => r.query.get('Action') === 'AssignUserToGroup')).toHaveLength(
      EFFECT_ATTEMPTS,
    );
    expect(waits).toEqual(Array.from({ length: EFFECT_ATTEMPTS }, () => EVENTUAL_WAITS_MS).flat());
    const thread = auditThread(e, 'REQ-0001').replies.join('\n');
    expect(thread).toMatch(/Failed \(unverified\)/);
    expect(thread).toMatch(
      /acknowledged the change, but reading it back does not show it: not done\. The admins were told \(<@U0ERIN>\)/,
    );
    expect(thread).not.toMatch(/:white_check_mark:.*added/);
    expect(dmText(erin.id)).toMatch(/acknowledged the change, but reading it back does not show it/);
    expect(dmText(erin.id)).toContain('/iam retry REQ-0001');
    expect(dmText(alice.id)).toMatch(/Failed \(unverified\)/);
    expect((await audit('REQ-0001')).map((r) => r.event)).not.toContain('execution.completed');
  });

  it('Scaleway acknowledges the removal but the member stays: not completed, and the admin is told', async () => {
    e = await startE2E();
    const aliceId = e.world.scaleway.state.users.find((u) => u.email === alice.email)?.id ?? '';
    e.world.scaleway.state.group(e.world.ids.scalewayGroup)?.userIds.push(aliceId);
    e.world.scaleway.state.lostWrites.lose('remove-member', EFFECT_ATTEMPTS);
    await requestThroughModal(e, alice.id, { kind: 'group.remove', itemId: 'scw-developers-leave', reason: 'leaving' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    expect(await stateOf('REQ-0001')).toMatchObject({
      state: 'failed',
      error: { kind: 'unverified', message: expect.stringContaining('is not a member') },
    });
    expect(e.world.scaleway.state.group(e.world.ids.scalewayGroup)?.userIds).toContain(aliceId);
    expect(dmText(erin.id)).toMatch(/acknowledged the change, but reading it back does not show it/);
  });

  it('the happy path records the read-back in the audit log: verified, what was read, when', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'happy' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    expect((await stateOf('REQ-0001')).state).toBe('completed');
    const completed = (await audit('REQ-0001')).find((r) => r.event === 'execution.completed');
    expect(completed?.details).toMatchObject({
      verified: true,
      readBack: [
        {
          expected: 'alice is a member of devs',
          observed: 'a member',
          reads: 1,
          at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      ],
    });
  });
});
