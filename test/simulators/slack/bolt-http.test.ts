/**
 * A real Bolt App in HTTP mode against the simulator: Slack's signed requests in, Web API calls out.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, verifySlackRequest, type BlockAction, type SlashCommand } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackAppClient, SlackSimulator } from '../../../src/simulators/slack/index.ts';
import { ALICE, buttonBlocks, seededSimulator, SIGNING_SECRET, silentLogger } from './support.ts';

let sim: SlackSimulator;
let app: App;
let slack: SlackAppClient;
let eventsUrl: string;
const seen: { commands: SlashCommand[]; actions: BlockAction[]; retryNums: Array<number | undefined> } = {
  commands: [],
  actions: [],
  retryNums: [],
};

const requestModal = {
  type: 'modal' as const,
  callback_id: 'request',
  title: { type: 'plain_text' as const, text: 'Request access' },
  submit: { type: 'plain_text' as const, text: 'Submit' },
  notify_on_close: true,
  blocks: [
    {
      type: 'input',
      block_id: 'item',
      label: { type: 'plain_text' as const, text: 'Catalog item' },
      element: { type: 'external_select' as const, action_id: 'catalog', min_query_length: 2 },
    },
    {
      type: 'input',
      block_id: 'reason',
      label: { type: 'plain_text' as const, text: 'Reason' },
      element: { type: 'plain_text_input' as const, action_id: 'text' },
    },
  ],
};

beforeEach(async () => {
  sim = await seededSimulator();
  seen.commands = [];
  seen.actions = [];
  seen.retryNums = [];
  app = new App({
    token: sim.botToken,
    signingSecret: SIGNING_SECRET,
    clientOptions: { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } },
    deferInitialization: true,
    processBeforeResponse: true,
    logger: silentLogger(),
  });
  app.command('/iam', async ({ ack, command, say, client, context }) => {
    await ack();
    seen.commands.push(command);
    seen.retryNums.push(context.retryNum);
    if (command.text === 'request') {
      await client.views.open({ trigger_id: command.trigger_id, view: requestModal });
      return;
    }
    await say({ text: 'Request R1 needs your approval', blocks: buttonBlocks('approve', 'R1') });
  });
  app.action('approve', async ({ ack, body, respond }) => {
    await ack();
    seen.actions.push(body as BlockAction);
    await respond({ replace_original: true, text: 'Approved by you' });
  });
  app.options('catalog', async ({ ack, options }) => {
    const items = ['cf-prod-admins', 'scw-key-rotation'].filter((item) => item.includes(options.value));
    await ack({ options: items.map((item) => ({ text: { type: 'plain_text', text: item }, value: item })) });
  });
  app.view('request', async ({ ack, view }) => {
    const reason = view.state.values.reason?.text?.value ?? '';
    if (reason.length < 10) return ack({ response_action: 'errors', errors: { reason: 'Say a little more' } });
    await ack();
  });
  await app.init();
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  slack = sim.client({ mode: 'http', url: eventsUrl, signingSecret: SIGNING_SECRET });
});
afterEach(async () => {
  await app.stop();
  await sim.close();
});

describe('slash commands', () => {
  it('are accepted, reach the handler with Slack’s fields, and the handler’s message lands in the DM', async () => {
    const result = await slack.slashCommand({ user: ALICE, text: 'help' });
    expect(result).toMatchObject({ acked: true, status: 200, body: '' });
    expect(seen.commands).toHaveLength(1);
    const dm = sim.workspace.dmChannel(ALICE);
    expect(seen.commands[0]).toMatchObject({
      command: '/iam',
      text: 'help',
      user_id: ALICE,
      user_name: 'alice',
      team_id: sim.identity.teamId,
      channel_id: dm,
      channel_name: 'directmessage',
      api_app_id: sim.identity.appId,
      trigger_id: result.triggerId,
      response_url: result.responseUrl,
    });
    expect(result.responseUrl).toMatch(new RegExp(`^${sim.url}/response/`));
    expect(sim.workspace.dmWith(ALICE).map((m) => m.text)).toEqual(['Request R1 needs your approval']);
    expect(seen.retryNums).toEqual([undefined]);
  });

  it('with a wrong signature or a timestamp over 5 minutes old get 401 and never reach the handler', async () => {
    expect((await slack.slashCommand({ user: ALICE, text: 'help' }, { badSignature: true })).status).toBe(401);
    expect((await slack.slashCommand({ user: ALICE, text: 'help' }, { staleSeconds: 301 })).status).toBe(401);
    expect(seen.commands).toEqual([]);
    expect(sim.calls.filter((call) => call.method === 'chat.postMessage')).toEqual([]);
  });

  it('carry Slack’s retry headers into context.retryNum', async () => {
    await slack.slashCommand({ user: ALICE, text: 'help' }, { retry: { num: 1, reason: 'http_timeout' } });
    expect(seen.retryNums).toEqual([1]);
  });

  it('issue a trigger_id the app can open a modal with, once', async () => {
    const result = await slack.slashCommand({ user: ALICE, text: 'request' });
    expect(sim.workspace.openView(ALICE)?.view).toMatchObject({ callback_id: 'request', type: 'modal' });
    const reuse = await app.client.views
      .open({ trigger_id: result.triggerId, view: requestModal })
      .catch((error: { data: { error: string } }) => error.data.error);
    expect(reuse).toBe('exchanged_trigger_id');
  });

  it('report an unanswered request when the app does not answer within the ack timeout', async () => {
    const slow = sim.client({ mode: 'http', url: eventsUrl, signingSecret: SIGNING_SECRET }, { ackTimeoutMs: 100 });
    app.command('/slow', async ({ ack }) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await ack();
    });
    expect(await slow.slashCommand({ user: ALICE, command: '/slow' })).toMatchObject({ acked: false, status: 0 });
  });
});

describe('interactions', () => {
  it('clicking a posted button sends block_actions with the message and the button', async () => {
    await slack.slashCommand({ user: ALICE, text: 'help' });
    const [message] = sim.workspace.dmWith(ALICE);
    if (!message) throw new Error('no message posted');
    const result = await slack.clickButton({ user: ALICE, message, actionId: 'approve' });
    expect(result.status).toBe(200);
    expect(seen.actions).toHaveLength(1);
    expect(seen.actions[0]).toMatchObject({
      type: 'block_actions',
      user: { id: ALICE, username: 'alice', team_id: sim.identity.teamId },
      team: { id: sim.identity.teamId },
      api_app_id: sim.identity.appId,
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      channel: { id: message.channel },
      message: { ts: message.ts, text: 'Request R1 needs your approval' },
      trigger_id: result.triggerId,
      response_url: result.responseUrl,
      actions: [{ action_id: 'approve', block_id: 'decide', value: 'R1', type: 'button', text: { text: 'Approve' } }],
    });
    // The handler's respond({ replace_original }) went through the response_url.
    expect(sim.workspace.message(message.channel, message.ts)).toMatchObject({
      text: 'Approved by you',
      history: [{ text: 'Request R1 needs your approval' }],
    });
    expect(sim.workspace.responsePosts()).toEqual([
      expect.objectContaining({ via: 'response_url', outcome: 'replaced', ts: message.ts }),
    ]);
  });

  it('a response_url takes 5 posts, then refuses', async () => {
    const { responseUrl } = await slack.slashCommand({ user: ALICE, text: 'help' });
    const post = (text: string) =>
      fetch(responseUrl as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    for (let i = 1; i <= 5; i++) expect((await post(`update ${i}`)).status).toBe(200);
    const sixth = await post('one too many');
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect(sim.workspace.ephemeralFor(ALICE).map((m) => m.text)).toEqual([
      'update 1',
      'update 2',
      'update 3',
      'update 4',
      'update 5',
    ]);
  });

  it('a modal: external_select options load after min_query_length, a short reason gets errors, a good one closes it', async () => {
    await slack.slashCommand({ user: ALICE, text: 'request' });
    const viewId = sim.workspace.openView(ALICE)?.view.id as string;

    expect(await slack.blockSuggestion({ user: ALICE, view: viewId, actionId: 'catalog', value: 'c' })).toMatchObject({
      sent: false,
    });
    const suggestion = await slack.blockSuggestion({ user: ALICE, view: viewId, actionId: 'catalog', value: 'cf' });
    expect(suggestion).toMatchObject({
      sent: true,
      problems: [],
      options: [{ text: { text: 'cf-prod-admins' }, value: 'cf-prod-admins' }],
    });

    const rejected = await slack.submitView({ user: ALICE, values: { item: 'cf-prod-admins', reason: 'pls' } });
    expect(rejected).toMatchObject({ outcome: 'errors', errors: { reason: 'Say a little more' } });
    expect(rejected.submitted.state).toEqual({
      values: {
        item: {
          catalog: {
            type: 'external_select',
            selected_option: {
              text: { type: 'plain_text', text: 'cf-prod-admins', emoji: true },
              value: 'cf-prod-admins',
            },
          },
        },
        reason: { text: { type: 'plain_text_input', value: 'pls' } },
      },
    });
    expect(sim.workspace.openView(ALICE)?.errors).toEqual({ reason: 'Say a little more' });

    const accepted = await slack.submitView({
      user: ALICE,
      values: { item: 'cf-prod-admins', reason: 'on call this week' },
    });
    expect(accepted.outcome).toBe('closed');
    expect(sim.workspace.openView(ALICE)).toBeUndefined();
  });

  it('a required input left empty is refused before anything is sent, as Slack’s client does', async () => {
    await slack.slashCommand({ user: ALICE, text: 'request' });
    const calls = sim.calls.length;
    await expect(slack.submitView({ user: ALICE, values: { item: 'cf-prod-admins' } })).rejects.toThrow(
      /input reason is required/,
    );
    expect(sim.calls.length).toBe(calls);
  });

  it('closing a modal with notify_on_close sends view_closed', async () => {
    const closed: unknown[] = [];
    app.view({ callback_id: 'request', type: 'view_closed' }, async ({ ack, body }) => {
      await ack();
      closed.push(body);
    });
    await slack.slashCommand({ user: ALICE, text: 'request' });
    const result = await slack.closeView({ user: ALICE });
    expect(result).toMatchObject({ notified: true, response: { status: 200 } });
    expect(closed).toEqual([
      expect.objectContaining({
        type: 'view_closed',
        is_cleared: false,
        view: expect.objectContaining({ callback_id: 'request' }),
      }),
    ]);
    expect(sim.workspace.openView(ALICE)).toBeUndefined();
  });

  it('opening the Home tab sends app_home_opened, and the published view lands on the tab', async () => {
    app.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({
        user_id: event.user,
        view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'No open requests' } }] },
      });
    });
    expect((await slack.appHomeOpened({ user: ALICE })).status).toBe(200);
    expect(sim.workspace.home(ALICE)?.view.blocks).toMatchObject([{ text: { text: 'No open requests' } }]);
  });
});

describe('what goes over the wire', () => {
  let capture: Server;
  let received: Array<{ headers: IncomingHttpHeaders; body: string }>;

  beforeEach(async () => {
    received = [];
    capture = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.end();
      });
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => capture.close(() => resolve()));
  });

  it('a slash command is a signed form in Slack’s field order with the exact Content-Type', async () => {
    const url = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/`;
    await sim
      .client({ mode: 'http', url, signingSecret: SIGNING_SECRET })
      .slashCommand({ user: ALICE, text: 'status R1' });
    const [request] = received;
    if (!request) throw new Error('nothing received');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const timestamp = Number(request.headers['x-slack-request-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
    expect(() =>
      verifySlackRequest({
        signingSecret: SIGNING_SECRET,
        body: request.body,
        headers: {
          'x-slack-signature': String(request.headers['x-slack-signature']),
          'x-slack-request-timestamp': timestamp,
        },
      }),
    ).not.toThrow();
    expect([...new URLSearchParams(request.body).keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(new URLSearchParams(request.body).get('text')).toBe('status R1');
  });

  it('an interaction is one payload= form field holding the JSON', async () => {
    const url = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/`;
    const message = await app.client.chat.postMessage({
      channel: ALICE,
      text: 'R1',
      blocks: buttonBlocks('approve', 'R1'),
    });
    await sim.client({ mode: 'http', url, signingSecret: SIGNING_SECRET }).clickButton({
      user: ALICE,
      message: { channel: message.channel as string, ts: message.ts as string },
      actionId: 'approve',
    });
    const form = new URLSearchParams(received[0]?.body);
    expect([...form.keys()]).toEqual(['payload']);
    expect(JSON.parse(form.get('payload') as string)).toMatchObject({
      type: 'block_actions',
      actions: [{ action_id: 'approve' }],
    });
  });
});
