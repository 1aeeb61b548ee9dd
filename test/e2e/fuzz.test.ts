import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE, SIGNING_SECRET, startE2E, type E2E } from './support.ts';

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
});
afterAll(() => e?.close());

type Signing = 'valid' | 'wrong' | 'missing' | 'stale' | 'future';

function headersFor(body: string, signing: Signing, contentType: string): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const ts = signing === 'stale' ? now - 600 : signing === 'future' ? now + 600 : now;
  const secret = signing === 'wrong' ? 'not-the-secret' : SIGNING_SECRET;
  const headers: Record<string, string> = { 'content-type': contentType };
  if (signing !== 'missing') {
    headers['x-slack-request-timestamp'] = String(ts);
    headers['x-slack-signature'] = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  }
  return headers;
}

const interaction = fc.record({
  type: fc.constantFrom('block_actions', 'view_submission', 'block_suggestion', 'view_closed', 'shortcut', 'nonsense'),
  user: fc.option(fc.record({ id: fc.oneof(fc.constant(PEOPLE.bob.id), fc.string()) }), { nil: undefined }),
  actions: fc.option(
    fc.array(
      fc.record({
        action_id: fc.constantFrom('iam_approve', 'iam_deny', 'iam_reveal', 'iam_kind', 'x'),
        value: fc.string(),
      }),
    ),
    { nil: undefined },
  ),
  view: fc.option(
    fc.record({
      id: fc.string(),
      callback_id: fc.constantFrom('iam_request', 'iam_deny_reason', 'iam_mfa_confirm', 'other'),
      private_metadata: fc.string(),
      state: fc.anything(),
    }),
    { nil: undefined },
  ),
  trigger_id: fc.option(fc.string(), { nil: undefined }),
});

const body = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.json().map((json) => `payload=${encodeURIComponent(json)}`),
  interaction.map((payload) => `payload=${encodeURIComponent(JSON.stringify(payload))}`),
  fc
    .dictionary(
      fc.constantFrom('command', 'text', 'user_id', 'trigger_id', 'response_url', 'team_id', 'ssl_check', 'type'),
      fc.string(),
    )
    .map((fields) => new URLSearchParams(fields).toString()),
  fc.constantFrom('x'.repeat(2_000_000), `payload=${'%7B'.repeat(100_000)}`),
);

describe('fuzzing the Slack endpoint', () => {
  it('answers 400 to signed bodies that are not objects (Bolt would throw outside its error handling)', async () => {
    const url = `http://127.0.0.1:${e.bot.port}/slack/events`;
    for (const [text, type] of [
      ['payload=null', 'application/x-www-form-urlencoded'],
      ['payload=%5B1%5D', 'application/x-www-form-urlencoded'],
      ['null', 'application/json'],
      ['"text"', 'application/json'],
    ] as const) {
      const response = await request(url, { method: 'POST', body: text, headers: headersFor(text, 'valid', type) });
      await response.body.dump();
      expect(response.statusCode, text).toBe(400);
    }
  });

  it('never answers 5xx, never crashes, never changes state', { timeout: 180_000 }, async () => {
    const url = `http://127.0.0.1:${e.bot.port}/slack/events`;
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom<Signing>('valid', 'wrong', 'missing', 'stale', 'future'),
        fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded; charset=utf-8',
        ),
        async (text, signing, contentType) => {
          const response = await request(url, {
            method: 'POST',
            body: text,
            headers: headersFor(text, signing, contentType),
          });
          await response.body.dump();
          expect(response.statusCode).toBeLessThan(500);
          // Bolt, like Slack's reference check, refuses timestamps more than 5 minutes old; a future one it lets pass.
          if (signing === 'wrong' || signing === 'missing' || signing === 'stale')
            expect(response.statusCode).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 120 },
    );
    await e.bot.idle();
    expect(await e.bot.services.store.list()).toEqual([]);
    // Only the start-up's record of the policy in force: garbage wrote nothing to the audit log.
    expect((await e.bot.services.store.auditLog.head())?.seq).toBe(1);
    for (const sim of [e.world.cloudflare, e.world.scaleway, e.world.outscale, e.world.jcs])
      expect(sim.server.requests).toEqual([]);
    // Still serving: a real command works.
    const answer = await e.client.slashCommand({ user: PEOPLE.alice.id, text: 'help' });
    expect(answer.status).toBe(200);
  });
});
