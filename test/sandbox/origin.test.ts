/** The sandbox's servers answer only its own page, on 127.0.0.1. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { PEOPLE } from '../../src/sandbox/world.ts';
import { captureLog } from '../support/capture-log.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ log: captureLog().log, port: 0, tickMs: 0 });
});
afterAll(() => sandbox.close());

/** A raw request to the page server, with headers a browser on another site (or a rebinding name) would send. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: sandbox.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const openIam = JSON.stringify({ user: PEOPLE.alice.id, text: '/iam' });

describe('the sandbox page server', () => {
  it('refuses a write from another origin, and nothing happens', async () => {
    const host = `127.0.0.1:${sandbox.port}`;
    const refused = await send(
      'POST',
      '/api/command',
      { host, origin: 'http://evil.example', 'content-type': 'application/json' },
      openIam,
    );
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('cross-origin request from http://evil.example refused');
    expect(sandbox.world.slack.workspace.openView(PEOPLE.alice.id)).toBeUndefined();
    const ownPage = await send(
      'POST',
      '/api/command',
      { host, origin: `http://${host}`, 'content-type': 'application/json' },
      openIam,
    );
    expect(ownPage.status).toBe(200);
    expect(sandbox.world.slack.workspace.openView(PEOPLE.alice.id)).toBeDefined();
  });

  it('refuses a fast-forward from another origin: the clock does not move', async () => {
    const host = `localhost:${sandbox.port}`;
    const refused = await send(
      'POST',
      '/api/advance',
      { host, origin: 'http://evil.example', 'content-type': 'application/json' },
      JSON.stringify({ by: '1d' }),
    );
    expect(refused.status).toBe(403);
    expect(sandbox.api.clock.aheadMs).toBe(0);
  });

  it('refuses a write that is not JSON (what a cross-site form can send without asking)', async () => {
    const refused = await send(
      'POST',
      '/api/command',
      { host: `localhost:${sandbox.port}`, 'content-type': 'text/plain' },
      openIam,
    );
    expect(refused.status).toBe(415);
  });

  it('answers only to its own host name, so a DNS-rebinding name reads nothing', async () => {
    const rebound = await send('GET', `/api/state?user=${PEOPLE.alice.id}`, {
      host: `attacker.example:${sandbox.port}`,
    });
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain(PEOPLE.alice.id);
    expect((await send('GET', '/', { host: `localhost:${sandbox.port}` })).status).toBe(200);
  });

  it('runs the bot’s Slack endpoint on 127.0.0.1 only', () => {
    expect(sandbox.api.bot.host).toBe('127.0.0.1');
  });
});
