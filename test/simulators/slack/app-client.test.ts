/**
 * Slack's side of interactions against a scripted app that answers whatever the test says: how the
 * simulator applies response_action to the modal stack, what payloads look like from ephemeral
 * messages and home tabs, and what response_urls do.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackAppClient, SlackSimulator } from '../../../src/simulators/slack/index.ts';
import { ALICE, AUDIT, BOB, buttonBlocks, seededSimulator, SIGNING_SECRET, webClient } from './support.ts';

type Json = Record<string, unknown>;

let sim: SlackSimulator;
let api: WebClient;
let server: Server;
let slack: SlackAppClient;
let now: number;
/** What the scripted app received, and what it answers next (undefined: an empty 200). */
let received: Json[];
let answer: (payload: Json) => unknown;

beforeEach(async () => {
  now = Date.now();
  sim = await seededSimulator({ clock: () => now });
  api = webClient(sim);
  received = [];
  answer = () => undefined;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      const payload = form.has('payload')
        ? (JSON.parse(form.get('payload') as string) as Json)
        : Object.fromEntries(form);
      received.push(payload);
      const body = answer(payload);
      res.writeHead(200, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  slack = sim.client({
    mode: 'http',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    signingSecret: SIGNING_SECRET,
  });
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sim.close();
});

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const modal = (title: string, extra: Json = {}) => ({
  type: 'modal' as const,
  title: plain(title),
  submit: plain('Next'),
  blocks: [],
  ...extra,
});

async function openModal(title = 'Step 1', extra: Json = {}): Promise<string> {
  const opened = await api.views.open({ trigger_id: sim.issueTrigger(ALICE), view: modal(title, extra) });
  return opened.view?.id as string;
}

const titles = () => sim.workspace.viewStack(ALICE).map((entry) => (entry.view.title as { text: string }).text);

describe('view_submission answers and the modal stack', () => {
  it('update replaces the view in place with a new hash', async () => {
    const id = await openModal();
    const before = sim.workspace.openView(ALICE)?.view.hash;
    answer = () => ({ response_action: 'update', view: modal('Step 2') });
    expect((await slack.submitView({ user: ALICE })).outcome).toBe('updated');
    expect(sim.workspace.openView(ALICE)?.view).toMatchObject({ id, title: { text: 'Step 2' } });
    expect(sim.workspace.openView(ALICE)?.view.hash).not.toBe(before);
  });

  it('push stacks a view; an empty answer closes only the top one; clear closes all', async () => {
    const root = await openModal();
    answer = () => ({ response_action: 'push', view: modal('Step 2') });
    expect((await slack.submitView({ user: ALICE })).outcome).toBe('pushed');
    expect(titles()).toEqual(['Step 1', 'Step 2']);
    expect(sim.workspace.openView(ALICE)?.view.previous_view_id).toBe(root);
    answer = () => undefined;
    expect((await slack.submitView({ user: ALICE })).outcome).toBe('closed');
    expect(titles()).toEqual(['Step 1']);
    answer = () => ({ response_action: 'clear' });
    expect((await slack.submitView({ user: ALICE })).outcome).toBe('cleared');
    expect(titles()).toEqual([]);
  });

  it('an update Slack would refuse leaves the modal as it was', async () => {
    await openModal();
    answer = () => ({ response_action: 'update', view: modal('x'.repeat(25)) });
    const result = await slack.submitView({ user: ALICE });
    expect(result.outcome).toBe('refused');
    expect(result.problems).toEqual(['must be less than 25 characters [json-pointer:/view/title/text]']);
    expect(titles()).toEqual(['Step 1']);
  });

  it('shows field errors only when every key names an input block of the submitted view (docs/slack.md)', async () => {
    const reason = {
      type: 'input',
      block_id: 'reason',
      label: plain('Why?'),
      element: { type: 'plain_text_input', action_id: 'why' },
    };
    const viewId = await openModal('Step 1', {
      blocks: [{ type: 'section', block_id: 'summary', text: plain('REQ-1') }, reason],
    });
    answer = () => ({ response_action: 'errors', errors: { reason: 'Too short.' } });
    expect(await slack.submitView({ user: ALICE, values: { reason: 'x' } })).toMatchObject({
      outcome: 'errors',
      errors: { reason: 'Too short.' },
    });
    expect(sim.workspace.views.get(viewId)?.errors).toEqual({ reason: 'Too short.' });
    for (const key of ['item', 'summary']) {
      answer = () => ({ response_action: 'errors', errors: { [key]: 'Choose what you need.' } });
      const result = await slack.submitView({ user: ALICE, values: { reason: 'x' } });
      expect(result.outcome).toBe('refused');
      expect(result.problems).toEqual([
        `errors key "${key}" is not the block_id of an input block in the submitted view`,
      ]);
    }
  });

  it('submits initial values the user left alone and refuses options the menu lacks', async () => {
    await openModal('Step 1', {
      blocks: [
        {
          type: 'input',
          block_id: 'duration',
          label: plain('Duration'),
          element: {
            type: 'static_select',
            action_id: 'pick',
            options: [
              { text: plain('1 hour'), value: '1h' },
              { text: plain('8 hours'), value: '8h' },
            ],
            initial_option: { text: plain('1 hour'), value: '1h' },
          },
        },
        {
          type: 'input',
          block_id: 'until',
          optional: true,
          label: plain('Until'),
          element: { type: 'datepicker', action_id: 'date' },
        },
      ],
    });
    await expect(slack.submitView({ user: ALICE, values: { duration: '2h' } })).rejects.toThrow(
      /no option with value "2h"/,
    );
    const result = await slack.submitView({ user: ALICE });
    expect(result.submitted.state).toEqual({
      values: {
        duration: { pick: { type: 'static_select', selected_option: { text: plain('1 hour'), value: '1h' } } },
        until: { date: { type: 'datepicker', selected_date: null } },
      },
    });
  });

  it('closing a view without notify_on_close sends nothing and reveals the one below', async () => {
    await openModal();
    await api.views.push({ trigger_id: sim.issueTrigger(ALICE), view: modal('Step 2') });
    expect(await slack.closeView({ user: ALICE })).toEqual({ notified: false });
    expect(titles()).toEqual(['Step 1']);
    expect(received).toEqual([]);
  });
});

describe('interaction payloads', () => {
  it('a click in an ephemeral message says so and does not echo the message; respond can replace it', async () => {
    const { message_ts: ts } = await api.chat.postEphemeral({
      channel: AUDIT,
      user: BOB,
      text: 'Only you',
      blocks: buttonBlocks('approve', 'R1'),
    });
    const result = await slack.clickButton({
      user: BOB,
      message: { channel: AUDIT, ts: ts as string },
      actionId: 'approve',
    });
    expect(received[0]).toMatchObject({
      container: { type: 'message', message_ts: ts, is_ephemeral: true },
      channel: { id: AUDIT, name: 'iam-audit' },
    });
    expect(received[0]).not.toHaveProperty('message');
    await fetch(result.responseUrl as string, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'Done' }),
    });
    expect(sim.workspace.ephemeralFor(BOB).map((m) => m.text)).toEqual(['Done']);
  });

  it('a click on the home tab carries the view and no response_url', async () => {
    await api.views.publish({ user_id: ALICE, view: { type: 'home', blocks: buttonBlocks('refresh', 'home') } });
    const homeId = sim.workspace.home(ALICE)?.view.id;
    const result = await slack.clickButton({ user: ALICE, view: homeId as string, actionId: 'refresh' });
    expect(result.responseUrl).toBeUndefined();
    expect(received[0]).toMatchObject({
      type: 'block_actions',
      container: { type: 'view', view_id: homeId },
      view: { id: homeId, type: 'home' },
    });
    expect(received[0]).not.toHaveProperty('response_url');
  });

  it('blockAction sends the actions it is given, stamped with action_ts', async () => {
    const posted = await api.chat.postMessage({ channel: AUDIT, text: 'pick' });
    const selected = { text: plain('8 hours'), value: '8h' };
    await slack.blockAction({
      user: BOB,
      message: { channel: AUDIT, ts: posted.ts as string },
      actions: [{ action_id: 'pick', block_id: 'b', type: 'static_select', selected_option: selected }],
    });
    expect(received[0]?.actions).toEqual([
      {
        action_id: 'pick',
        block_id: 'b',
        type: 'static_select',
        selected_option: selected,
        action_ts: expect.stringMatching(/^\d+\.\d{6}$/),
      },
    ]);
  });

  it('a button that is not there is a test error, not a request', async () => {
    const posted = await api.chat.postMessage({ channel: AUDIT, text: 'x', blocks: buttonBlocks('approve', 'R1') });
    await expect(
      slack.clickButton({ user: BOB, message: { channel: AUDIT, ts: posted.ts as string }, actionId: 'deny' }),
    ).rejects.toThrow(/no element with action_id "deny"/);
    expect(received).toEqual([]);
  });
});

describe('response_url', () => {
  async function clickAndGetUrl(): Promise<{ url: string; ts: string }> {
    const posted = await api.chat.postMessage({
      channel: AUDIT,
      text: 'R1 pending',
      blocks: buttonBlocks('approve', 'R1'),
    });
    const result = await slack.clickButton({
      user: BOB,
      message: { channel: AUDIT, ts: posted.ts as string },
      actionId: 'approve',
    });
    return { url: result.responseUrl as string, ts: posted.ts as string };
  }
  const post = (url: string, body: Json) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('posts in_channel into the channel, or into the thread named', async () => {
    const { url, ts } = await clickAndGetUrl();
    await post(url, { response_type: 'in_channel', text: 'Bob approved R1' });
    await post(url, { response_type: 'in_channel', text: 'in the thread', thread_ts: ts });
    expect(sim.workspace.messagesIn(AUDIT).map((m) => m.text)).toEqual(['R1 pending', 'Bob approved R1']);
    expect(sim.workspace.threadOf(AUDIT, ts).map((m) => m.text)).toEqual(['R1 pending', 'in the thread']);
  });

  it('deletes the original message on delete_original', async () => {
    const { url, ts } = await clickAndGetUrl();
    expect((await post(url, { delete_original: true })).status).toBe(200);
    expect(sim.workspace.message(AUDIT, ts)).toBeUndefined();
  });

  it('expires after 30 minutes', async () => {
    const { url } = await clickAndGetUrl();
    now += 30 * 60 * 1000;
    const late = await post(url, { text: 'too late' });
    expect(late.status).toBe(404);
    expect(await late.json()).toEqual({ ok: false, error: 'expired_url' });
    expect(sim.workspace.responsePosts().at(-1)).toMatchObject({ outcome: 'refused', error: 'expired_url' });
  });
});
