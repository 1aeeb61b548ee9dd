/** The Socket Mode endpoint at the protocol level, with raw WebSocket clients. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_SOCKET_CONNECTIONS, type SlackSimulator } from '../../../src/simulators/slack/index.ts';
import { ALICE, seededSimulator, webClient } from './support.ts';

type Json = Record<string, unknown>;

let sim: SlackSimulator;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  // Eleven apps.connections.open calls in a second: these tests are about connections, not its Tier 1 pace.
  sim = await seededSimulator({ rateLimits: false });
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await sim.close();
});

async function socketUrl(): Promise<string> {
  return (await webClient(sim, {}, sim.appToken).apps.connections.open()).url as string;
}

/** Connects and collects every message; resolves once the first one (hello or disconnect) arrives. */
async function connect(url: string): Promise<{ socket: WebSocket; messages: Json[] }> {
  const socket = new WebSocket(url);
  sockets.push(socket);
  const messages: Json[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      messages.push(JSON.parse(String(data)) as Json);
      resolve();
    });
    socket.on('error', reject);
  });
  return { socket, messages };
}

describe('Socket Mode endpoint', () => {
  it('takes each URL once and refuses unknown tickets', async () => {
    const url = await socketUrl();
    await connect(url);
    const reused = new WebSocket(url);
    reused.on('error', () => undefined);
    const status = await new Promise<number | undefined>((resolve) =>
      reused.on('unexpected-response', (request, response) => {
        resolve(response.statusCode);
        request.destroy();
      }),
    );
    expect(status).toBe(401);
  });

  it('counts connections in hello and turns the eleventh away with too_many_websockets', async () => {
    for (let i = 1; i <= MAX_SOCKET_CONNECTIONS; i++) {
      const { messages } = await connect(await socketUrl());
      expect(messages[0]).toMatchObject({ type: 'hello', num_connections: i });
    }
    const { messages } = await connect(await socketUrl());
    expect(messages[0]).toEqual({
      type: 'disconnect',
      reason: 'too_many_websockets',
      debug_info: { host: expect.any(String) },
    });
  });

  it('shortens the announced connection time for debug_reconnects=true', async () => {
    const { messages } = await connect(`${await socketUrl()}&debug_reconnects=true`);
    expect(messages[0]).toMatchObject({ debug_info: { approximate_connection_time: 360 } });
  });

  it('wraps events in events_api envelopes that take no response payload, and waits for the ack', async () => {
    const { socket, messages } = await connect(await socketUrl());
    socket.on('message', (data) => {
      const envelope = JSON.parse(String(data)) as Json;
      if (envelope.envelope_id) socket.send(JSON.stringify({ envelope_id: envelope.envelope_id }));
    });
    const result = await sim.client({ mode: 'socket' }).appHomeOpened({ user: ALICE });
    expect(result).toMatchObject({ acked: true, status: 200, body: '' });
    expect(messages[1]).toMatchObject({
      type: 'events_api',
      accepts_response_payload: false,
      retry_attempt: 0,
      retry_reason: '',
      payload: {
        type: 'event_callback',
        api_app_id: sim.identity.appId,
        event: { type: 'app_home_opened', user: ALICE, tab: 'home' },
      },
    });
  });

  it('reports an envelope nobody acks within the timeout', async () => {
    await connect(await socketUrl());
    const result = await sim.client({ mode: 'socket' }, { ackTimeoutMs: 50 }).slashCommand({ user: ALICE });
    expect(result).toMatchObject({ acked: false, status: 0 });
  });

  it('says so when no app is connected', async () => {
    await expect(sim.client({ mode: 'socket' }).slashCommand({ user: ALICE })).rejects.toThrow(/no connection is open/);
  });
});
