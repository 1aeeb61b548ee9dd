/** Slack errors are told apart by the client's ErrorCode and Slack's `error` string (src/slack/errors.ts). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSlackError, platformError, rateLimitedFor } from '../../src/slack/errors.ts';

let server: Server;
let client: webApi.WebClient;

beforeAll(async () => {
  // Answers as Slack does: users.info refused with ok: false, chat.postMessage with 429 and Retry-After.
  server = createServer((req, res) => {
    if (req.url?.endsWith('/chat.postMessage')) {
      res.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: false, error: 'user_not_found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: webApi.LogLevel.ERROR,
  });
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const refusal = (call: Promise<unknown>) =>
  call.then(
    () => expect.fail('Slack accepted'),
    (error: unknown) => error,
  );

describe('Slack errors', () => {
  it("a platform error: Slack's error string", async () => {
    const error = await refusal(client.users.info({ user: 'U0NOBODY' }));
    expect(platformError(error)).toBe('user_not_found');
    expect(rateLimitedFor(error)).toBeUndefined();
    expect(describeSlackError(error)).toBe('user_not_found');
  });

  it('a 429 the client did not wait out: the seconds Slack asks to wait', async () => {
    const error = await refusal(client.chat.postMessage({ channel: 'C1', text: 'x' }));
    expect(rateLimitedFor(error)).toBe(7);
    expect(platformError(error)).toBeUndefined();
  });

  it('anything else: no Slack error string, its message to describe it', () => {
    const error = Object.assign(new Error('socket hang up'), { code: webApi.ErrorCode.RequestError });
    expect(platformError(error)).toBeUndefined();
    expect(rateLimitedFor(error)).toBeUndefined();
    expect(describeSlackError(error)).toBe('socket hang up');
    // An error string without the platform code is not Slack's answer.
    expect(platformError({ data: { error: 'user_not_found' } })).toBeUndefined();
    expect(describeSlackError('down')).toBe('down');
  });
});
