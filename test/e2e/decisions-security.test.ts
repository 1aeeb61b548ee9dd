import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { METHOD_SCOPES } from '../support/slack-scopes.ts';
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

const { alice, bob, carol, dave, erin } = PEOPLE;
const stateOf = async (ref: string) => (await e.bot.services.service.find(ref)).status.state;

describe('decisions', () => {
  it('a denial needs a reason in the modal, and the requester hears it', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'curious' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_deny'), 'iam_deny');
    const blank = await e.client.submitView({ user: bob.id, values: { reason: '   ' } });
    expect(blank.outcome).toBe('errors');
    expect(blank.errors?.reason).toMatch(/needs a reason/);
    expect(await stateOf('REQ-0001')).toBe('pending');
    const denied = await e.client.submitView({ user: bob.id, values: { reason: 'use the read-only group' } });
    expect(denied.outcome).toBe('updated');
    await e.bot.idle();
    expect(modalText(e, bob.id)).toContain('REQ-0001 is denied');
    expect(await stateOf('REQ-0001')).toBe('denied');
    expect(
      e.world.slack.workspace
        .dmWith(alice.id)
        .map((m) => m.text)
        .join('\n'),
    ).toContain('use the read-only group');
    expect(e.world.jcs.state.members('devs')).toEqual([]);
  });

  it('a denial with the longest reason the policy allows settles the audit root and every Approve/Deny (issue 10 Found 3)', async () => {
    e = await startE2E({
      policy: (text) => text.replace('requests:\n  ttl: 1d\n', 'requests:\n  ttl: 1d\n  maxReasonLength: 3000\n'),
    });
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'curious' });
    const approval = dmWithButton(e, bob.id, 'iam_deny');
    await click(e, bob.id, approval, 'iam_deny');
    const reason = `${'no '.repeat(999)}<&>`;
    expect(reason).toHaveLength(3000);
    expect((await e.client.submitView({ user: bob.id, values: { reason } })).outcome).toBe('updated');
    await e.bot.idle();
    expect(modalText(e, bob.id)).toContain('REQ-0001 is denied');
    expect(e.world.slack.calls.filter((call) => call.error === 'invalid_blocks')).toEqual([]);
    const settled = e.world.slack.workspace.message(approval.channel, approval.ts);
    expect(JSON.stringify(settled?.blocks)).not.toContain('iam_approve');
    const { root, replies } = auditThread(e, 'REQ-0001');
    expect(root).toContain('Denied');
    expect(root).toMatch(/Denied by <@U0BOB>: (no )+n?o?…/);
    // The whole reason stays in the audit thread's reply and in /iam status.
    const escaped = reason.replace('<&>', '&lt;&amp;&gt;');
    expect(replies.join('\n')).toContain(escaped);
    await e.client.slashCommand({ user: alice.id, text: 'status REQ-0001' });
    await e.bot.idle();
    expect(e.world.slack.workspace.ephemeralFor(alice.id).at(-1)?.text).toContain(`Denied by <@U0BOB>: ${escaped}`);
  });

  it('refuses self-approval, even through a crafted click', async () => {
    e = await startE2E();
    await requestThroughModal(e, bob.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'me too' });
    const requestId = (await e.bot.services.service.find('REQ-0001')).id;
    const dm = e.world.slack.workspace.dmChannel(bob.id) ?? '';
    await e.client.blockAction({
      user: bob.id,
      message: { channel: dm, ts: e.world.slack.workspace.dmWith(bob.id)[0]?.ts ?? '' },
      actions: [{ type: 'button', action_id: 'iam_approve', block_id: 'decision', value: requestId }],
    });
    await e.bot.idle();
    expect(await stateOf('REQ-0001')).toBe('pending');
    expect(e.world.slack.workspace.ephemeralFor(bob.id).at(-1)?.text).toMatch(/not in managers|own request/);
  });

  describe('one click counts for one stage; one person approves at most one stage', () => {
    // Carol's manager is Dave, who is also a platform lead: he is in the sets of both stages of scw-developers.
    const withErinLead = (text: string) =>
      text.replace(
        '  platform-leads:\n    usergroup: S0PLATFORM',
        `  platform-leads:\n    usergroup: S0PLATFORM\n    users: [${erin.id}]`,
      );
    const stageOf = async (ref: string) => (await e.bot.services.service.find(ref)).status;

    it('a double-click on "Stage 1 of 2" passes stage 1 only, and its approver cannot pass stage 2', async () => {
      e = await startE2E({ policy: withErinLead });
      await requestThroughModal(e, carol.id, { kind: 'group.add', itemId: 'scw-developers', reason: 'deploys' });
      const stage1 = dmWithButton(e, dave.id, 'iam_approve');
      const clicks = await Promise.all(
        [1, 2].map(() => e.client.clickButton({ user: dave.id, message: stage1, actionId: 'iam_approve' })),
      );
      expect(clicks.map((c) => c.status)).toEqual([200, 200]);
      await e.bot.idle();
      expect(await stageOf('REQ-0001')).toMatchObject({ state: 'pending', stage: 1 });
      expect(e.world.slack.workspace.ephemeralFor(dave.id).map((m) => m.text)).toContain(
        'Stage 1 of REQ-0001 has already passed; this click counted for nothing.',
      );

      await click(e, dave.id, dmWithButton(e, dave.id, 'iam_approve'), 'iam_approve');
      expect(await stageOf('REQ-0001')).toMatchObject({ state: 'pending', stage: 1 });
      expect(e.world.slack.workspace.ephemeralFor(dave.id).at(-1)?.text).toMatch(
        /You approved an earlier stage of REQ-0001/,
      );

      await click(e, erin.id, dmWithButton(e, erin.id, 'iam_approve'), 'iam_approve');
      expect((await e.bot.services.service.find('REQ-0001')).approvals.map((a) => [a.stage, a.by])).toEqual([
        [0, dave.id],
        [1, erin.id],
      ]);
      expect((await stageOf('REQ-0001')).state).toBe('completed');
    });

    it('a button posted before clicks carried their stage counts for the current stage only', async () => {
      e = await startE2E({ policy: withErinLead });
      await requestThroughModal(e, carol.id, { kind: 'group.add', itemId: 'scw-developers', reason: 'deploys' });
      const requestId = (await e.bot.services.service.find('REQ-0001')).id;
      const legacy = (user: string) =>
        e.client.blockAction({
          user,
          message: dmWithButton(e, user, 'iam_approve'),
          actions: [{ type: 'button', action_id: 'iam_approve', block_id: 'decision', value: requestId }],
        });
      await legacy(dave.id);
      await e.bot.idle();
      expect(await stageOf('REQ-0001')).toMatchObject({ state: 'pending', stage: 1 });
      await legacy(erin.id);
      await e.bot.idle();
      expect((await stageOf('REQ-0001')).state).toBe('completed');
    });
  });

  describe('identity: the exact provider account a request touches', () => {
    it('a partner whose email shares its local part with a member is refused in the form, and nothing is created', async () => {
      e = await startE2E();
      // A guest or Slack Connect partner: same local part as Alice, another domain.
      e.world.slack.workspace.addUser({
        id: 'U0MALLORY',
        name: 'alice-partner',
        realName: 'Alice Partner',
        email: 'alice@partner.example',
      });
      const result = await requestThroughModal(e, 'U0MALLORY', {
        kind: 'mfa.reset',
        itemId: 'jcs-mfa',
        reason: 'lost my phone',
      });
      // The email is looked up after the ack (it takes a users.info call): the refusal replaces the "working" view.
      expect(result.outcome).toBe('updated');
      expect(result.shown).toBe(
        "Your Slack email alice@partner.example is not in example.com, so it does not name a jcs account. Ask an IAM admin to map your account in the policy's identity map. Nothing was done.",
      );
      await e.bot.idle();
      expect(await e.bot.services.store.list()).toEqual([]);
      expect(e.world.slack.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
      expect(e.world.jcs.state.mfaDeviceOf(alice.name)?.enabled).toBe(true);
    });

    it('a guest or a user of another organisation is refused even with an email in the allowed domain', async () => {
      e = await startE2E();
      e.world.slack.workspace.addUser({
        id: 'U0GUEST',
        name: 'gus',
        email: 'alice@example.com',
        guest: 'single-channel',
      });
      e.world.slack.workspace.addUser({
        id: 'U0STRANGER',
        name: 'stan',
        email: 'alice@example.com',
        stranger: { teamId: 'T0PARTNER' },
      });
      const guest = await requestThroughModal(e, 'U0GUEST', {
        kind: 'mfa.reset',
        itemId: 'jcs-mfa',
        reason: 'lost my phone',
      });
      expect(guest.shown).toMatch(
        /^You are a guest of this Slack workspace, so your email does not name a jcs account/,
      );
      const stranger = await requestThroughModal(e, 'U0STRANGER', {
        kind: 'mfa.reset',
        itemId: 'jcs-mfa',
        reason: 'lost my phone',
      });
      expect(stranger.shown).toMatch(
        /^You are a user of another organisation, so your email does not name a jcs account/,
      );
      expect(await e.bot.services.store.list()).toEqual([]);
    });

    it('approval messages and the audit thread show the provider account and the Slack email it came from', async () => {
      e = await startE2E();
      await requestThroughModal(e, alice.id, { kind: 'mfa.reset', itemId: 'jcs-mfa', reason: 'new phone' });
      const shown = 'Acts on jcs account *alice* (from Slack email alice@example.com)';
      for (const lead of [carol.id, dave.id])
        expect(JSON.stringify(e.world.slack.workspace.dmWith(lead).at(-1)?.blocks)).toContain(shown);
      const thread = auditThread(e, 'REQ-0001');
      expect(thread.root).toContain(shown);
      expect(thread.replies[0]).toContain(shown);
      expect((await e.bot.services.service.find('REQ-0001')).target).toEqual({
        principal: 'alice',
        rule: 'email-local-part',
        email: 'alice@example.com',
      });
    });
  });

  it('two approvers clicking at once give one transition and one execution', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'mfa.reset', itemId: 'scw-mfa', reason: 'new phone' });
    await click(e, carol.id, dmWithButton(e, carol.id, 'iam_approve'), 'iam_approve');
    await click(e, dave.id, dmWithButton(e, dave.id, 'iam_approve'), 'iam_approve');
    const [a, b] = await Promise.all([
      e.client.submitView({ user: carol.id, values: { verified: ['verified'] } }),
      e.client.submitView({ user: dave.id, values: { verified: ['verified'] } }),
    ]);
    await e.bot.idle();
    expect([a.outcome, b.outcome]).toEqual(['updated', 'updated']);
    // One approval counts; the other approver is told, in the modal, that it was already decided.
    const shown = [modalText(e, carol.id), modalText(e, dave.id)].sort();
    expect(shown[0]).toMatch(/already|nothing left to decide/);
    expect(shown[1]).toBe('You approved REQ-0001.');
    const resets = e.world.scaleway.server.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith('/mfa-otp'));
    expect(resets).toHaveLength(1);
    expect(await stateOf('REQ-0001')).toBe('completed');
  });

  it('never offers a kind the provider does not support', async () => {
    e = await startE2E({
      policy: (text) =>
        text.replace(
          'catalog:\n',
          'catalog:\n  - { id: osc-mfa, title: Outscale MFA, provider: osc, kind: mfa.reset, approvers: [managers] }\n',
        ),
    });
    await e.client.slashCommand({ user: alice.id, text: '' });
    await e.bot.idle();
    const view = e.world.slack.workspace.openView(alice.id);
    await e.client.blockAction({
      user: alice.id,
      view: String(view?.view.id),
      actions: [
        {
          type: 'static_select',
          action_id: 'iam_kind',
          block_id: 'kind',
          selected_option: { text: { type: 'plain_text', text: 'x' }, value: 'mfa.reset' },
        },
      ],
    });
    await e.bot.idle();
    const offered = await e.client.blockSuggestion({
      user: alice.id,
      view: String(view?.view.id),
      actionId: 'iam_item',
      value: '',
    });
    expect(offered.options.map((o) => o.value)).toEqual(['jcs-mfa', 'scw-mfa']);
  });
});

describe('what Slack sends that the bot must refuse', () => {
  it('a bad signature or a stale timestamp gets 401 and changes nothing', async () => {
    e = await startE2E();
    const bad = await e.client.slashCommand({ user: alice.id, text: 'cancel REQ-0001' }, { badSignature: true });
    const stale = await e.client.slashCommand({ user: alice.id, text: '' }, { staleSeconds: 301 });
    expect([bad.status, stale.status]).toEqual([401, 401]);
    await e.bot.idle();
    // Only the start-up's own calls: auth.test and the channel readiness check.
    expect(e.world.slack.calls.filter((c) => c.method !== 'auth.test' && c.method !== 'conversations.info')).toEqual(
      [],
    );
  });

  it('malformed and unknown payloads neither crash the bot nor change anything', async () => {
    e = await startE2E();
    const url = `http://127.0.0.1:${e.bot.port}/slack/events`;
    for (const body of ['payload=not-json', 'payload=%7B%22type%22%3A%22block_actions%22%7D', 'garbage', '']) {
      const response = await request(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      await response.body.dump();
      expect(response.statusCode).toBeLessThan(500);
    }
    const unknown = await e.client
      .blockAction({
        user: alice.id,
        view: 'V0NOPE',
        actions: [{ type: 'button', action_id: 'iam_approve', value: 'no-such-request' }],
      })
      .catch(() => undefined);
    expect(unknown === undefined || unknown.status < 500).toBe(true);
    await e.bot.idle();
    expect(await e.bot.services.store.list()).toEqual([]);
    const health = await request(`http://127.0.0.1:${e.bot.port}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  });

  it('/iam status shows a request only to its requester, its approvers and the admins', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'secret project' });
    const statusFor = async (user: string, ref: string) => {
      await e.client.slashCommand({ user, text: `status ${ref}` });
      await e.bot.idle();
      return e.world.slack.workspace.ephemeralFor(user).at(-1)?.text ?? '';
    };
    for (const allowed of [alice.id, bob.id, erin.id])
      expect(await statusFor(allowed, 'REQ-0001')).toContain('JCS developers');
    // Dave is neither requester, approver (alice's manager) nor admin: the request does not exist for him.
    const hidden = await statusFor(dave.id, 'REQ-0001');
    const missing = await statusFor(dave.id, 'REQ-0099');
    expect(hidden.replace('REQ-0001', 'REQ-n')).toBe(missing.replace('REQ-0099', 'REQ-n'));
    expect(hidden).not.toMatch(/JCS|alice|secret project/i);
  });

  it('answers an unknown sub-command with the help, privately', async () => {
    e = await startE2E();
    const answer = await e.client.slashCommand({ user: alice.id, text: 'frobnicate now' });
    expect(answer.json).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining("I don't know `/iam frobnicate now`"),
    });
    expect(JSON.stringify(answer.json)).toContain('/iam status');
  });

  it('publishes the App Home once, even when Slack redelivers the event', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'home' });
    // The notifier has published the Homes the submission concerns; the opens add one more.
    const published = () => e.world.slack.calls.filter((c) => c.method === 'views.publish').length;
    const before = published();
    await e.client.appHomeOpened({ user: bob.id });
    await e.client.appHomeOpened({ user: bob.id }, { retry: { num: 1, reason: 'http_timeout' } });
    await e.bot.idle();
    expect(published()).toBe(before + 1);
    expect(JSON.stringify(e.world.slack.workspace.home(bob.id)?.view)).toContain('REQ-0001');
  });

  it('calls only Web API methods whose scopes the manifest grants', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, {
      kind: 'group.add',
      itemId: 'cf-prod-admins',
      duration: '1h',
      reason: 'x',
    });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    await e.client.appHomeOpened({ user: bob.id });
    await e.client.slashCommand({ user: alice.id, text: 'status REQ-0001' });
    await e.bot.idle();
    const methods = new Set(e.world.slack.calls.map((c) => c.method));
    for (const method of methods) expect(Object.keys(METHOD_SCOPES), `${method} has no scope entry`).toContain(method);
  });
});
