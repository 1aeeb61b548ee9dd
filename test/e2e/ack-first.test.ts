/**
 * Ack first (issue 10, Found 4, 5, 7, 8): every request Slack sends is acknowledged before anything that
 * waits on Slack, a provider or the disk; /iam's trigger_id is spent at once; field errors land on a
 * field of the submitted form; whatever the bot does not know is still acknowledged and explained.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, dmWithButton, modalText, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, bob, carol } = PEOPLE;

/** JCS developers may be requested by the platform leads only: a request needs a user-group lookup. */
const leadsOnly = (text: string) =>
  text.replace(
    '  - id: jcs-devs\n    title: JCS developers\n',
    '  - id: jcs-devs\n    title: JCS developers\n    requesters: [platform-leads]\n',
  );

/** Slack answering usergroups.users.list with 429 and Retry-After: 3 — longer than Slack waits for an ack. */
const rateLimitGroupLookups = () =>
  e.world.slack.injectFault({ kind: 'ratelimited', retryAfterSeconds: 3 }, { method: 'usergroups.users.list' });

function inputBlocks(view: unknown): string[] {
  return ((view as { blocks?: { type: string; block_id?: string }[] }).blocks ?? [])
    .filter((b) => b.type === 'input')
    .map((b) => b.block_id ?? '');
}

describe('acknowledging first', () => {
  it('answers a submission at once while the user-group lookup is rate limited, then shows the outcome (Found 4)', async () => {
    e = await startE2E({ policy: leadsOnly });
    const submitted = await requestThroughModal(e, carol.id, {
      kind: 'group.add',
      itemId: 'jcs-devs',
      reason: 'on call',
      beforeSubmit: rateLimitGroupLookups,
    });
    expect(submitted.outcome).toBe('updated');
    const lookups = e.world.slack.calls.filter((c) => c.method === 'usergroups.users.list');
    expect(lookups.map((c) => c.status)).toContain(429);
    const submission = e.world.slack.deliveries.filter((d) => d.type === 'view_submission').at(-1);
    // The ack left before the rate-limited lookup was even retried.
    expect(submission?.ackedMs).toBeLessThan(lookups.at(-1)?.answeredMs ?? 0);
    expect(submitted.shown).toMatch(/REQ-0001\* · JCS developers .* is submitted/);
    expect((await e.bot.services.service.find('REQ-0001')).requester).toBe(carol.id);
  });

  it('opens /iam’s modal with a fresh trigger_id and fills it after a rate-limited lookup (Found 5)', async () => {
    e = await startE2E({ policy: leadsOnly });
    rateLimitGroupLookups();
    const command = await e.client.slashCommand({ user: carol.id, text: '' });
    expect(command.status).toBe(200);
    await e.bot.idle();
    const opens = e.world.slack.calls.filter((c) => c.method === 'views.open');
    expect(opens.map((c) => c.error ?? 'ok')).toEqual(['ok']);
    expect(inputBlocks(e.world.slack.workspace.openView(carol.id)?.view)).toEqual(['kind']);
  });

  it('tells the person to run /iam again when Slack refuses to open the modal, and retries nothing', async () => {
    e = await startE2E();
    e.world.slack.injectFault({ kind: 'ratelimited', retryAfterSeconds: 1 }, { method: 'views.open' });
    await e.client.slashCommand({ user: alice.id, text: '' });
    await e.bot.idle();
    expect(e.world.slack.calls.filter((c) => c.method === 'views.open')).toHaveLength(1);
    expect(e.world.slack.workspace.openView(alice.id)).toBeUndefined();
    expect(JSON.stringify(e.world.slack.workspace.responses.posts)).toContain('run /iam again');
  });
});

describe('work behind the acks stays bounded', () => {
  it('the Home tab opened again and again while Slack is slow: each open acknowledged, one refresh under way and one after', async () => {
    e = await startE2E();
    e.world.slack.setConditions({ latencyMs: 300 });
    const opens = await Promise.all(Array.from({ length: 5 }, () => e.client.appHomeOpened({ user: bob.id })));
    expect(opens.map((o) => o.status)).toEqual([200, 200, 200, 200, 200]);
    await e.bot.idle();
    const publishes = e.world.slack.calls.filter((c) => c.method === 'views.publish');
    expect(publishes.length).toBeGreaterThanOrEqual(1);
    expect(publishes.length).toBeLessThanOrEqual(2);
    expect(e.world.slack.workspace.views.home(bob.id)).toBeDefined();
  });
});

describe('field errors on the submitted form (Found 7)', () => {
  it('a form submitted before a kind was chosen gets its error on a block it has', async () => {
    e = await startE2E();
    await e.client.slashCommand({ user: alice.id, text: '' });
    await e.bot.idle();
    const submitted = await e.client.submitView({
      user: alice.id,
      values: { kind: { text: 'Access to a group', value: 'group.add' } },
    });
    expect(submitted.outcome).toBe('errors');
    expect(Object.keys(submitted.errors ?? {})).toEqual(['kind']);
    expect(inputBlocks(submitted.submitted)).toEqual(['kind']);
    expect(submitted.errors?.kind).toBe('Choose what you need.');
  });

  it('a reason over the limit is reported on the reason, not on the duration', async () => {
    // The form came from a release that allowed longer reasons than the policy now does.
    e = await startE2E({ policy: (text) => text.replace('requests:\n', 'requests:\n  maxReasonLength: 20\n') });
    const reason = 'x'.repeat(21);
    const submitted = await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'cf-prod-admins',
      duration: '2h',
      reason,
      beforeSubmit: () => {
        const open = e.world.slack.workspace.openView(alice.id);
        if (!open) throw new Error('no modal');
        const widened = JSON.parse(JSON.stringify(open.view).replace('"max_length":20', '"max_length":3000')) as Record<
          string,
          unknown
        >;
        e.world.slack.workspace.views.replace(String(open.view.id), widened);
      },
    });
    expect(submitted.outcome).toBe('errors');
    expect(submitted.errors).toEqual({ reason: 'The reason is longer than 20 characters.' });
    await expect(e.bot.services.service.find('REQ-0001')).rejects.toThrow(/no request/);
  });
});

describe('whatever the bot does not know is still acknowledged and explained (Found 8)', () => {
  it('an unknown action_id: acknowledged, and the person told nothing was done', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'curious' });
    const message = dmWithButton(e, bob.id, 'iam_approve');
    const clicked = await e.client.blockAction({
      user: bob.id,
      message,
      actions: [{ type: 'button', action_id: 'iam_approve_v0', block_id: 'decision', value: 'x' }],
    });
    expect(clicked).toMatchObject({ acked: true, status: 200 });
    await e.bot.idle();
    expect(e.world.slack.workspace.ephemeralFor(bob.id).at(-1)?.text).toMatch(
      /do not know that button.*Nothing was done/,
    );
    expect((await e.bot.services.service.find('REQ-0001')).status.state).toBe('pending');
  });

  it('an unknown callback_id: acknowledged with a view that says so', async () => {
    e = await startE2E();
    await e.client.slashCommand({ user: alice.id, text: '' });
    await e.bot.idle();
    const open = e.world.slack.workspace.openView(alice.id);
    if (!open) throw new Error('no modal');
    e.world.slack.workspace.views.replace(String(open.view.id), { ...open.view, callback_id: 'iam_request_v0' });
    const submitted = await e.client.submitView({
      user: alice.id,
      values: { kind: { text: 'Access to a group', value: 'group.add' } },
    });
    expect(submitted.outcome).toBe('updated');
    expect(modalText(e, alice.id)).toMatch(/do not know this form.*Nothing was done/);
  });

  it.each([
    ['oversized', 'a'.repeat(2000)],
    ['forged', '<!channel> approve me'],
  ])('a button with a %s value: the person is told, nothing is done', async (_kind, value) => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'curious' });
    const message = dmWithButton(e, bob.id, 'iam_approve');
    const clicked = await e.client.blockAction({
      user: bob.id,
      message,
      actions: [{ type: 'button', action_id: 'iam_approve', block_id: 'decision', value }],
    });
    expect(clicked.status).toBe(200);
    await e.bot.idle();
    const told = e.world.slack.workspace.ephemeralFor(bob.id).at(-1)?.text ?? '';
    expect(told).toMatch(/never put in a button, so I did nothing/);
    expect(told).not.toContain(value);
    expect((await e.bot.services.service.find('REQ-0001')).status.state).toBe('pending');
  });
});
