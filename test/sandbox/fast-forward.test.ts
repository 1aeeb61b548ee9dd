/** The sandbox's clock control: time jumps ahead for the bot and Slack, and what falls due happens, in order. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { PEOPLE } from '../../src/sandbox/world.ts';
import { captureLog } from '../support/capture-log.ts';
import { postSandbox } from '../support/sandbox-api.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ log: captureLog().log, port: 0, tickMs: 0 });
});
afterAll(() => sandbox.close());

const post = (action: string, body: unknown) => postSandbox(sandbox.port, action, body);

type Waiting = { ref: string; action: string; people: string[]; endsAt?: number };
async function state(): Promise<{
  waiting: Waiting[];
  clock: { now: number; aheadMs: number };
  providers: { name: string; groups: { name: string; members: string[] }[] }[];
}> {
  return (await (await fetch(`http://127.0.0.1:${sandbox.port}/api/state?user=${PEOPLE.alice.id}`)).json()) as never;
}

const members = async () =>
  (await state()).providers.find((p) => p.name === 'Cloudflare')?.groups.find((g) => g.name === 'prod-admins')?.members;
const dmTexts = () => sandbox.world.slack.workspace.dmWith(PEOPLE.alice.id).map((m) => m.text);

describe('the sandbox clock', () => {
  it('names who must act next, then fast-forwards through the expiry warning to the end of the grant and the sweep', async () => {
    const { service } = sandbox.api.bot.services;
    const request = await service.submit({
      requester: PEOPLE.alice.id,
      itemId: 'scw-developers',
      reason: 'two stages',
    });
    await sandbox.api.bot.idle();
    expect((await state()).waiting).toEqual([
      {
        ref: request.ref,
        title: 'Scaleway developers',
        action: 'approve or deny stage 1 of 2',
        people: [PEOPLE.bob.id],
      },
    ]);
    await service.approve(PEOPLE.bob.id, request.ref);
    await sandbox.api.bot.idle();
    expect((await state()).waiting[0]?.people).toEqual([PEOPLE.carol.id, PEOPLE.dave.id]);
    await service.deny(PEOPLE.carol.id, request.ref, 'not this quarter');

    const grant = await service.submit({
      requester: PEOPLE.alice.id,
      itemId: 'cf-prod-admins',
      reason: 'hotfix',
      duration: '2h',
    });
    await service.approve(PEOPLE.bob.id, grant.ref);
    await sandbox.api.bot.idle();
    expect(await members()).toContain(PEOPLE.alice.email);
    const [active] = (await state()).waiting;
    expect(active).toMatchObject({ ref: grant.ref, people: [] });

    const before = Date.now();
    const first = await post('advance', { by: '1h50m' });
    expect(first.status).toBe(200);
    expect(first.json.aheadMs).toBe(110 * 60_000);
    expect(first.json.now as number).toBeGreaterThanOrEqual(before + 110 * 60_000);
    // 15 minutes before the end: warned, still a member.
    expect(dmTexts().join('\n')).toMatch(/Your access ends/);
    expect(await members()).toContain(PEOPLE.alice.email);

    const second = await post('advance', { by: '1h' });
    expect(await members()).not.toContain(PEOPLE.alice.email);
    expect(dmTexts().findIndex((t) => /has ended/.test(t))).toBeGreaterThan(
      dmTexts().findIndex((t) => /Your access ends/.test(t)),
    );
    expect((await service.find(grant.ref)).status.state).toBe('revoked');
    // The hourly sweep ran twice in the 2h50m, after the revoke, and found nothing left to fix.
    expect(second.json.sweeps).toEqual([expect.objectContaining({ removed: 0, unexplained: 0 })]);
    expect(first.json.sweeps).toHaveLength(1);
    expect((await state()).waiting).toEqual([]);
    expect((await state()).clock.aheadMs).toBe(170 * 60_000);
  });

  it('fast-forwards a request nobody decides through its reminder, its escalation to the admins and its expiry', async () => {
    const { service } = sandbox.api.bot.services;
    const request = await service.submit({ requester: PEOPLE.alice.id, itemId: 'jcs-devs', reason: 'nobody answers' });
    await sandbox.api.bot.idle();
    const auditReplies = () =>
      sandbox.world.slack.workspace
        .messagesIn('C0AUDIT')
        .flatMap((m) => sandbox.world.slack.workspace.threadOf('C0AUDIT', m.ts))
        .map((m) => m.text)
        .join('\n');
    const waitingOn = async () => (await state()).waiting.find((w) => w.ref === request.ref)?.people;

    await post('advance', { by: '4h' });
    expect(auditReplies()).toMatch(/Still waiting: reminded/);
    expect(auditReplies()).not.toMatch(/escalated/);
    expect(await waitingOn()).toEqual([PEOPLE.bob.id]);

    await post('advance', { by: '8h' });
    expect(auditReplies()).toMatch(/escalated to \*admins\*/);
    // The admins may now decide too: the sidebar names them.
    expect(await waitingOn()).toEqual([PEOPLE.bob.id, PEOPLE.erin.id]);

    await post('advance', { by: '12h' });
    expect((await service.find(request.ref)).status.state).toBe('expired');
    expect(await waitingOn()).toBeUndefined();
  });

  it('refuses what is not a duration, or a jump over a week, and moves nothing', async () => {
    const ahead = sandbox.api.clock.aheadMs;
    const nonsense = await post('advance', { by: 'soon' });
    expect(nonsense.status).toBe(400);
    expect(nonsense.json.error).toMatch(/"soon" is not a duration/);
    expect((await post('advance', { by: '8d' })).status).toBe(400);
    expect(sandbox.api.clock.aheadMs).toBe(ahead);
  });
});
