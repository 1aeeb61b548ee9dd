/**
 * A real Bolt App in Socket Mode against the simulator: the unmodified SocketModeClient opens its
 * WebSocket through apps.connections.open, gets `hello`, and acks envelopes.
 */
import { App, SocketModeReceiver, type BlockAction, type SlashCommand } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackAppClient, SlackSimulator, StoredMessage } from '../../../src/simulators/slack/index.ts';
import { ALICE, buttonBlocks, seededSimulator, silentLogger } from './support.ts';

let sim: SlackSimulator;
let app: App;
let slack: SlackAppClient;
const seen: {
  commands: SlashCommand[];
  actions: BlockAction[];
  retries: Array<[number | undefined, string | undefined]>;
} = { commands: [], actions: [], retries: [] };

/**
 * A Bolt app on the simulator, configured as the bot is (`socketMode: true, appToken`), or with its
 * own receiver whose short client ping timeout makes reconnects take milliseconds instead of 5 s.
 */
function socketApp(fastReconnect = false): App {
  const clientOptions = { slackApiUrl: sim.apiUrl, retryConfig: { retries: 0 } };
  const connection = fastReconnect
    ? {
        receiver: new SocketModeReceiver({
          appToken: sim.appToken,
          clientPingTimeout: 300,
          logger: silentLogger(),
          installerOptions: { clientOptions },
        }),
      }
    : { socketMode: true, appToken: sim.appToken };
  const created = new App({
    token: sim.botToken,
    ...connection,
    clientOptions,
    deferInitialization: true,
    logger: silentLogger(),
  });
  created.command('/iam', async ({ ack, command, say, context }) => {
    await ack(command.text === 'help' ? { text: 'Usage: /iam request | status | pending' } : undefined);
    seen.commands.push(command);
    seen.retries.push([context.retryNum, context.retryReason]);
    if (command.text !== 'help')
      await say({ text: 'Request R1 needs your approval', blocks: buttonBlocks('approve', 'R1') });
  });
  created.action('approve', async ({ ack, body }) => {
    await ack();
    seen.actions.push(body as BlockAction);
  });
  return created;
}

beforeEach(async () => {
  sim = await seededSimulator({ socketPingIntervalMs: 50 });
  seen.commands = [];
  seen.actions = [];
  seen.retries = [];
  app = socketApp();
  await app.init();
  await app.start();
  slack = sim.client({ mode: 'socket' });
});
afterEach(async () => {
  await app.stop();
  await sim.close();
});

/** The message the app posted in the DM, once it has (a Socket Mode app acks before it works). */
async function postedMessage(): Promise<StoredMessage> {
  await sim.waitForCall('chat.postMessage');
  const [message] = sim.workspace.dmWith(ALICE);
  if (!message) throw new Error('no message posted');
  return message;
}

describe('Socket Mode with the real SocketModeClient', () => {
  it('connects through apps.connections.open with the app token and gets hello', async () => {
    expect(sim.calls.find((call) => call.method === 'apps.connections.open')).toMatchObject({
      token: sim.appToken,
      ok: true,
    });
    expect(sim.socketMode.openConnections).toBe(1);
    expect(sim.socketMode.hellos).toEqual([
      {
        type: 'hello',
        num_connections: 1,
        debug_info: {
          host: expect.any(String),
          started: expect.any(String),
          build_number: expect.any(Number),
          approximate_connection_time: 18060,
        },
        connection_info: { app_id: sim.identity.appId },
      },
    ]);
  });

  it('delivers a slash command envelope and resolves on the app’s ack', async () => {
    const result = await slack.slashCommand({ user: ALICE, text: 'request' });
    expect(result).toMatchObject({ acked: true, status: 200, body: '' });
    expect(seen.commands[0]).toMatchObject({
      command: '/iam',
      text: 'request',
      user_id: ALICE,
      trigger_id: result.triggerId,
      response_url: result.responseUrl,
    });
    expect((await postedMessage()).text).toBe('Request R1 needs your approval');
  });

  it('treats an ack payload as the HTTP answer body: a command’s reply is shown to the user', async () => {
    const result = await slack.slashCommand({ user: ALICE, text: 'help' });
    expect(result.json).toEqual({ text: 'Usage: /iam request | status | pending' });
    expect(sim.workspace.ephemeralFor(ALICE).map((m) => m.text)).toEqual(['Usage: /iam request | status | pending']);
    expect(sim.workspace.responsePosts()).toEqual([
      expect.objectContaining({ via: 'command_answer', outcome: 'ephemeral' }),
    ]);
  });

  it('delivers a button click as an interactive envelope', async () => {
    await slack.slashCommand({ user: ALICE, text: 'request' });
    const message = await postedMessage();
    const result = await slack.clickButton({ user: ALICE, message, actionId: 'approve' });
    expect(result.acked).toBe(true);
    expect(seen.actions[0]).toMatchObject({
      type: 'block_actions',
      container: { message_ts: message.ts },
      actions: [{ action_id: 'approve', value: 'R1' }],
    });
  });

  it('passes retry_attempt and retry_reason through to context', async () => {
    await slack.slashCommand({ user: ALICE, text: 'request' }, { retry: { num: 2, reason: 'timeout' } });
    expect(seen.retries).toEqual([[2, 'timeout']]);
  });

  it('has no signatures to fake', async () => {
    await expect(slack.slashCommand({ user: ALICE }, { badSignature: true })).rejects.toThrow(/not signed/);
  });

  it('pings the connection, and the client pongs', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sim.socketMode.connections[0]?.pongs).toBeGreaterThan(0);
  });

  it('after a disconnect the app reconnects with a fresh URL and keeps acking', async () => {
    await app.stop();
    app = socketApp(true);
    await app.init();
    await app.start();
    const opened = () => sim.calls.filter((call) => call.method === 'apps.connections.open').length;
    expect(opened()).toBe(2);
    sim.socketMode.disconnectAll('refresh_requested');
    await expect.poll(() => sim.socketMode.hellos.length, { timeout: 3000 }).toBe(3);
    await sim.socketMode.waitForConnections(1);
    expect(opened()).toBe(3);
    expect(sim.socketMode.connections.map((c) => c.open)).toEqual([false, false, true]);
    expect((await slack.slashCommand({ user: ALICE, text: 'request' })).acked).toBe(true);
  });
});
