import {
  ErrorCode,
  WebAPIHTTPError,
  WebAPIPlatformError,
  type WebAPIRateLimitedError,
  type WebClient,
} from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackSimulator } from '../../../src/simulators/slack/index.ts';
import { DEFAULT_BOT_SCOPES } from '../../../src/simulators/slack/web-api/registry.ts';
import { ALICE, AUDIT, BOB, buttonBlocks, CAROL, PLATFORM, seededSimulator, webClient } from './support.ts';

let sim: SlackSimulator;
let client: WebClient;

beforeEach(async () => {
  sim = await seededSimulator();
  client = webClient(sim);
});
afterEach(async () => {
  await sim.close();
});

/** A bot that, beyond what the manifest grants, may join public channels by itself (channels:join). */
async function joiningBot(): Promise<void> {
  await sim.close();
  sim = await seededSimulator({ botScopes: [...DEFAULT_BOT_SCOPES, 'channels:join'] });
  client = webClient(sim);
}

/** The Slack error code a call was refused with. */
async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof WebAPIPlatformError)) throw new Error(`expected a Slack refusal, got ${String(error)}`);
  return error.data.error;
}

const modal = (title = 'Request access') => ({
  type: 'modal' as const,
  callback_id: 'request',
  title: { type: 'plain_text' as const, text: title },
  blocks: [],
});

describe('identity and tokens', () => {
  it('auth.test names the bot user and bot id Bolt authorizes with', async () => {
    const result = await client.auth.test();
    expect(result).toMatchObject({
      ok: true,
      team_id: sim.identity.teamId,
      user_id: sim.identity.botUserId,
      bot_id: sim.identity.botId,
    });
    expect(sim.calls[0]).toMatchObject({ method: 'auth.test', token: sim.botToken, ok: true, status: 200 });
  });

  it('answers not_authed without a token and invalid_auth for an unknown one', async () => {
    expect(await refusal(webClient(sim, {}, '').auth.test())).toBe('not_authed');
    expect(await refusal(webClient(sim, {}, 'xoxb-made-up').auth.test())).toBe('invalid_auth');
  });

  it('lets the app-level token open Socket Mode connections and nothing else', async () => {
    const appClient = webClient(sim, {}, sim.appToken);
    const opened = await appClient.apps.connections.open();
    expect(opened.url).toMatch(
      new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/link/\\?ticket=[\\w-]+&app_id=${sim.identity.appId}$`),
    );
    expect(await refusal(appClient.chat.postMessage({ channel: AUDIT, text: 'hi' }))).toBe('not_allowed_token_type');
    expect(await refusal(client.apps.connections.open())).toBe('not_allowed_token_type');
  });

  it('answers unknown_method for a method it does not know', async () => {
    expect(await refusal(client.apiCall('chat.scheduleMessageLater'))).toBe('unknown_method');
  });

  it('answers missing_scope when the bot token lacks the method’s scope', async () => {
    await sim.close();
    sim = await seededSimulator({ botScopes: ['chat:write', 'users:read'] });
    const error = await webClient(sim)
      .users.lookupByEmail({ email: 'alice@example.com' })
      .then(
        () => undefined,
        (caught: WebAPIPlatformError) => caught,
      );
    expect(error?.data).toMatchObject({ error: 'missing_scope', needed: 'users:read.email' });
    // Without users:read.email, users.info hides the email as Slack does.
    const info = await webClient(sim).users.info({ user: ALICE });
    expect(info.user?.profile?.email).toBeUndefined();
  });
});

describe('messages', () => {
  it('posts to a channel and records the decoded blocks and the token', async () => {
    const posted = await client.chat.postMessage({
      channel: AUDIT,
      text: 'Request R1',
      blocks: buttonBlocks('approve', 'R1'),
    });
    expect(posted).toMatchObject({
      ok: true,
      channel: AUDIT,
      message: { text: 'Request R1', bot_id: sim.identity.botId, user: sim.identity.botUserId },
    });
    expect(posted.ts).toMatch(/^\d+\.\d{6}$/);
    const [stored] = sim.workspace.messagesIn(AUDIT);
    expect(stored).toMatchObject({ ts: posted.ts, text: 'Request R1', blocks: buttonBlocks('approve', 'R1') });
    const call = sim.calls.at(-1);
    expect(call).toMatchObject({
      method: 'chat.postMessage',
      token: sim.botToken,
      params: { channel: AUDIT, blocks: buttonBlocks('approve', 'R1') },
    });
  });

  it('fills in missing block_ids as Slack does', async () => {
    await client.chat.postMessage({
      channel: AUDIT,
      text: 'x',
      blocks: [{ type: 'divider' }, { type: 'section', text: { type: 'mrkdwn', text: 'y' } }],
    });
    const blocks = sim.workspace.messagesIn(AUDIT)[0]?.blocks ?? [];
    expect(blocks.map((block) => typeof block.block_id)).toEqual(['string', 'string']);
    expect(new Set(blocks.map((block) => block.block_id)).size).toBe(2);
  });

  it('posts to a user id in the DM that conversations.open returns, which stays the same', async () => {
    const posted = await client.chat.postMessage({ channel: ALICE, text: 'Your request is approved' });
    expect(posted.channel).toMatch(/^D/);
    const opened = await client.conversations.open({ users: ALICE });
    expect(opened).toMatchObject({ channel: { id: posted.channel }, already_open: true });
    expect(sim.workspace.dmWith(ALICE).map((m) => m.text)).toEqual(['Your request is approved']);
    const fresh = await client.conversations.open({ users: BOB });
    expect(fresh.channel?.id).toMatch(/^D/);
    expect(fresh.channel?.id).not.toBe(posted.channel);
    expect(fresh.already_open).toBeUndefined();
    expect(await refusal(client.conversations.open({ users: 'U0NOBODY' }))).toBe('user_not_found');
  });

  it('threads replies under their root, moving a reply-to-a-reply to the root', async () => {
    const root = await client.chat.postMessage({ channel: AUDIT, text: 'R1 submitted' });
    const reply = await client.chat.postMessage({
      channel: AUDIT,
      thread_ts: root.ts as string,
      text: 'approved by bob',
    });
    await client.chat.postMessage({ channel: AUDIT, thread_ts: reply.ts as string, text: 'executed' });
    expect(sim.workspace.threadOf(AUDIT, root.ts as string).map((m) => m.text)).toEqual([
      'R1 submitted',
      'approved by bob',
      'executed',
    ]);
    expect(sim.workspace.messagesIn(AUDIT).map((m) => m.text)).toEqual(['R1 submitted']);
  });

  it('refuses a malformed thread_ts and warns about one that names no message', async () => {
    expect(await refusal(client.chat.postMessage({ channel: AUDIT, thread_ts: 'R1', text: 'x' }))).toBe(
      'invalid_thread_ts',
    );
    const orphan = await client.chat.postMessage({ channel: AUDIT, thread_ts: '1700000000.000001', text: 'lost' });
    expect(orphan.ok).toBe(true);
    expect(sim.calls.at(-1)?.warnings.join()).toMatch(/names no message/);
  });

  it('updates a message, keeping each replaced version and the blocks the update omits', async () => {
    const posted = await client.chat.postMessage({
      channel: AUDIT,
      text: 'pending',
      blocks: buttonBlocks('approve', 'R1'),
    });
    const updated = await client.chat.update({ channel: AUDIT, ts: posted.ts as string, text: 'approved' });
    expect(updated).toMatchObject({ ok: true, channel: AUDIT, ts: posted.ts, text: 'approved' });
    await client.chat.update({ channel: AUDIT, ts: posted.ts as string, text: 'done', blocks: [] });
    const message = sim.workspace.message(AUDIT, posted.ts as string);
    expect(message?.text).toBe('done');
    expect(message?.blocks).toBeUndefined();
    expect(message?.history.map((v) => [v.text, v.blocks?.length])).toEqual([
      ['pending', 2],
      ['approved', 2],
    ]);
  });

  it('refuses updates Slack refuses', async () => {
    const posted = await client.chat.postMessage({ channel: AUDIT, text: 'pending' });
    expect(await refusal(client.chat.update({ channel: AUDIT, ts: '1700000000.000001', text: 'x' }))).toBe(
      'message_not_found',
    );
    expect(await refusal(client.chat.update({ channel: 'C0NOWHERE', ts: posted.ts as string, text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(await refusal(client.chat.update({ channel: AUDIT, ts: posted.ts as string, text: 'x'.repeat(4001) }))).toBe(
      'msg_too_long',
    );
  });

  it('shows an ephemeral message to one member only', async () => {
    const result = await client.chat.postEphemeral({ channel: AUDIT, user: BOB, text: 'only you' });
    expect(result.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(sim.workspace.ephemeralFor(BOB).map((m) => m.text)).toEqual(['only you']);
    expect(sim.workspace.ephemeralFor(CAROL)).toEqual([]);
    expect(sim.workspace.messagesIn(AUDIT)).toEqual([]);
    expect(await refusal(client.chat.postEphemeral({ channel: AUDIT, user: ALICE, text: 'x' }))).toBe(
      'user_not_in_channel',
    );
  });

  it('refuses a post without text or blocks, and to an unknown channel', async () => {
    expect(await refusal(client.chat.postMessage({ channel: AUDIT, text: '' }))).toBe('no_text');
    expect(await refusal(client.chat.postMessage({ channel: 'C0NOWHERE', text: 'x' }))).toBe('channel_not_found');
  });

  it('accepts JSON bodies with the token in the Authorization header', async () => {
    const response = await fetch(`${sim.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${sim.botToken}` },
      body: JSON.stringify({ channel: AUDIT, text: 'json', blocks: buttonBlocks('approve', 'R1') }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: AUDIT });
    expect(sim.calls.at(-1)?.params.blocks).toEqual(buttonBlocks('approve', 'R1'));
  });
});

describe('channel membership (docs/slack.md, posting to channels)', () => {
  const OPS = 'C0OPS';

  it('answers not_in_channel in a public channel the bot was never invited to, until it is', async () => {
    sim.workspace.addChannel(OPS, 'ops');
    expect(await refusal(client.chat.postMessage({ channel: OPS, text: 'x' }))).toBe('not_in_channel');
    expect(await refusal(client.chat.postEphemeral({ channel: OPS, user: ALICE, text: 'x' }))).toBe('not_in_channel');
    sim.workspace.inviteBot(OPS);
    expect((await client.chat.postMessage({ channel: OPS, text: 'x' })).ok).toBe(true);
    sim.workspace.removeBot(OPS);
    expect(await refusal(client.chat.postMessage({ channel: '#ops', text: 'x' }))).toBe('not_in_channel');
  });

  it('lets chat:write.public post in any public channel, never in a private one', async () => {
    await sim.close();
    sim = await seededSimulator({ botScopes: ['chat:write', 'chat:write.public'] });
    sim.workspace.addChannel(OPS, 'ops');
    sim.workspace.addChannel('C0SECRET', 'secret', { private: true });
    expect((await webClient(sim).chat.postMessage({ channel: OPS, text: 'x' })).ok).toBe(true);
    expect(await refusal(webClient(sim).chat.postMessage({ channel: 'C0SECRET', text: 'x' }))).toBe(
      'channel_not_found',
    );
  });

  it('hides a private channel from a bot that was not invited, and answers is_archived in an archived one', async () => {
    await joiningBot();
    sim.workspace.addChannel('C0SECRET', 'secret', { private: true });
    expect(await refusal(client.chat.postMessage({ channel: 'C0SECRET', text: 'x' }))).toBe('channel_not_found');
    expect(await refusal(client.conversations.join({ channel: 'C0SECRET' }))).toBe('channel_not_found');
    sim.workspace.inviteBot('C0SECRET');
    const posted = await client.chat.postMessage({ channel: 'C0SECRET', text: 'x' });
    sim.workspace.archiveChannel('C0SECRET');
    expect(await refusal(client.chat.postMessage({ channel: 'C0SECRET', text: 'y' }))).toBe('is_archived');
    expect(await refusal(client.chat.update({ channel: 'C0SECRET', ts: posted.ts as string, text: 'y' }))).toBe(
      'is_inactive',
    );
  });

  it('joins a public channel with conversations.join and reports membership in conversations.info', async () => {
    await joiningBot();
    sim.workspace.addChannel(OPS, 'ops');
    expect((await client.conversations.info({ channel: OPS })).channel).toMatchObject({
      id: OPS,
      is_member: false,
      is_private: false,
      is_archived: false,
    });
    const joined = await client.conversations.join({ channel: OPS });
    expect(joined.channel).toMatchObject({ id: OPS, is_member: true });
    expect(joined.warning).toBeUndefined();
    expect((await client.conversations.join({ channel: OPS })).warning).toBe('already_in_channel');
    expect((await client.chat.postMessage({ channel: OPS, text: 'x' })).ok).toBe(true);
    sim.workspace.addChannel('C0SECRET', 'secret', { private: true, botMember: true });
    expect(await refusal(client.conversations.join({ channel: 'C0SECRET' }))).toBe(
      'method_not_supported_for_channel_type',
    );
    sim.workspace.addChannel('C0OLD', 'old', { archived: true });
    expect(await refusal(client.conversations.join({ channel: 'C0OLD' }))).toBe('is_archived');
  });

  it('refuses to open a DM with a deactivated user; a post to their existing DM is accepted with a warning', async () => {
    const dm = await client.conversations.open({ users: BOB });
    sim.workspace.deactivateUser(BOB);
    expect(await refusal(client.conversations.open({ users: BOB }))).toBe('user_disabled');
    expect((await client.users.info({ user: BOB })).user?.deleted).toBe(true);
    expect((await client.chat.postMessage({ channel: dm.channel?.id as string, text: 'x' })).ok).toBe(true);
    expect(sim.calls.at(-1)?.warnings.join()).toMatch(/deactivated user/);
  });
});

describe('views', () => {
  it('opens a modal with a trigger_id once; a reused one is exchanged, a made-up one invalid', async () => {
    const trigger = sim.issueTrigger(ALICE);
    const opened = await client.views.open({ trigger_id: trigger, view: modal() });
    expect(opened.view).toMatchObject({
      type: 'modal',
      callback_id: 'request',
      root_view_id: opened.view?.id,
      app_id: sim.identity.appId,
    });
    expect(sim.workspace.openView(ALICE)?.view.id).toBe(opened.view?.id);
    expect(await refusal(client.views.open({ trigger_id: trigger, view: modal() }))).toBe('exchanged_trigger_id');
    expect(await refusal(client.views.open({ trigger_id: '1.2.3', view: modal() }))).toBe('invalid_trigger_id');
  });

  it('refuses a trigger_id 3 s or more after it was issued', async () => {
    let now = Date.now();
    await sim.close();
    sim = await seededSimulator({ clock: () => now });
    const trigger = sim.issueTrigger(ALICE);
    now += 3000;
    expect(await refusal(webClient(sim).views.open({ trigger_id: trigger, view: modal() }))).toBe('expired_trigger_id');
  });

  it('updates a view by id or external_id, refusing a stale hash', async () => {
    const opened = await client.views.open({
      trigger_id: sim.issueTrigger(ALICE),
      view: { ...modal(), external_id: 'req-1' },
    });
    const id = opened.view?.id as string;
    // The new view replaces the old one whole, external_id included.
    const first = await client.views.update({
      view_id: id,
      hash: opened.view?.hash as string,
      view: { ...modal('Step 2'), external_id: 'req-1' },
    });
    expect(first.view).toMatchObject({ id, title: { text: 'Step 2' } });
    expect(first.view?.hash).not.toBe(opened.view?.hash);
    expect(
      await refusal(client.views.update({ view_id: id, hash: opened.view?.hash as string, view: modal('Step 3') })),
    ).toBe('hash_conflict');
    const byExternal = await client.views.update({ external_id: 'req-1', view: modal('Step 3') });
    expect(byExternal.view?.id).toBe(id);
    expect(await refusal(client.views.update({ view_id: 'V0NOPE', view: modal() }))).toBe('not_found');
  });

  it('pushes up to three views, then answers push_limit_reached', async () => {
    const root = await client.views.open({ trigger_id: sim.issueTrigger(ALICE), view: modal('Root') });
    const second = await client.views.push({ trigger_id: sim.issueTrigger(ALICE), view: modal('Second') });
    expect(second.view).toMatchObject({ root_view_id: root.view?.id, previous_view_id: root.view?.id });
    await client.views.push({ trigger_id: sim.issueTrigger(ALICE), view: modal('Third') });
    expect(await refusal(client.views.push({ trigger_id: sim.issueTrigger(ALICE), view: modal('Fourth') }))).toBe(
      'push_limit_reached',
    );
    expect(sim.workspace.viewStack(ALICE).map((v) => (v.view.title as { text: string }).text)).toEqual([
      'Root',
      'Second',
      'Third',
    ]);
  });

  it('publishes a home tab per user', async () => {
    const view = {
      type: 'home' as const,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'No open requests' } }],
    };
    const first = await client.views.publish({ user_id: ALICE, view });
    const second = await client.views.publish({ user_id: ALICE, view, hash: first.view?.hash as string });
    expect(second.view?.id).toBe(first.view?.id);
    expect(sim.workspace.home(ALICE)?.view.hash).toBe(second.view?.hash);
    expect(sim.workspace.home(BOB)).toBeUndefined();
    expect(await refusal(client.views.publish({ user_id: ALICE, view, hash: first.view?.hash as string }))).toBe(
      'hash_conflict',
    );
    expect(await refusal(client.views.publish({ user_id: 'U0NOBODY', view }))).toBe('invalid_arguments');
  });
});

describe('people', () => {
  it('users.info shows the profile with its email and custom fields', async () => {
    const info = await client.users.info({ user: ALICE });
    expect(info.user).toMatchObject({
      id: ALICE,
      name: 'alice',
      real_name: 'Alice Liddell',
      profile: { email: 'alice@example.com', fields: { Xf0MANAGER: { value: BOB, alt: '' } } },
    });
    expect(await refusal(client.users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');
  });

  it('users.lookupByEmail finds case-insensitively and answers users_not_found on a miss', async () => {
    expect((await client.users.lookupByEmail({ email: 'Alice@Example.com' })).user?.id).toBe(ALICE);
    expect(await refusal(client.users.lookupByEmail({ email: 'nobody@example.com' }))).toBe('users_not_found');
  });

  it('lists a user group’s members', async () => {
    expect((await client.usergroups.users.list({ usergroup: PLATFORM })).users).toEqual([BOB, CAROL]);
    expect(await refusal(client.usergroups.users.list({ usergroup: 'S0NOPE' }))).toBe('no_such_subteam');
  });
});

describe('faults and rate limits', () => {
  it('answers 429 ratelimited with Retry-After: a client without retries fails after the wait', async () => {
    sim.injectFault({ kind: 'ratelimited', retryAfterSeconds: 1 }, { method: 'chat.postMessage' });
    const started = Date.now();
    await expect(client.chat.postMessage({ channel: AUDIT, text: 'x' })).rejects.toThrow(
      /rate limit was exceeded.*retry-after: 1/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.calls.at(-1)).toMatchObject({
      method: 'chat.postMessage',
      status: 429,
      ok: false,
      error: 'ratelimited',
      response: { ok: false, error: 'ratelimited' },
    });
  });

  it('reports Retry-After to a client that rejects rate-limited calls', async () => {
    sim.injectFault({ kind: 'ratelimited', retryAfterSeconds: 1 });
    const error = await webClient(sim, { rejectRateLimitedCalls: true })
      .auth.test()
      .catch((caught: WebAPIRateLimitedError) => caught);
    expect(error).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 1 });
  });

  it('lets a retrying client succeed after the wait', async () => {
    sim.injectFault({ kind: 'ratelimited', retryAfterSeconds: 1 }, { method: 'chat.postMessage' });
    const started = Date.now();
    const retrying = webClient(sim, { retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20 } });
    expect((await retrying.chat.postMessage({ channel: AUDIT, text: 'eventually' })).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.calls.map((call) => call.status)).toEqual([429, 200]);
  });

  it('keeps standing conditions: every call slow, every Nth call of a method rate limited, spared methods never', async () => {
    sim.setConditions({ latencyMs: 100, rateLimitEvery: 2, retryAfterSeconds: 3, spare: ['views.open'] });
    const limited = webClient(sim, { rejectRateLimitedCalls: true });
    await limited.users.info({ user: ALICE });
    await expect(limited.users.info({ user: ALICE })).rejects.toMatchObject({ retryAfter: 3 });
    await limited.users.info({ user: ALICE });
    await limited.auth.test();
    for (const call of sim.calls) expect(call.answeredMs - call.receivedMs).toBeGreaterThanOrEqual(95);
    sim.setConditions({});
    await limited.auth.test();
    expect(sim.calls.map((call) => call.status)).toEqual([200, 429, 200, 200, 200]);
  });

  it('injects 5xx answers, delays and dropped connections for one method only', async () => {
    sim.injectFault({ kind: 'status', status: 503 }, { method: 'users.info' });
    sim.injectFault({ kind: 'delay', ms: 150 }, { method: 'auth.test' });
    await client.conversations.open({ users: ALICE });
    const error = await client.users.info({ user: ALICE }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebAPIHTTPError);
    expect((error as WebAPIHTTPError).statusCode).toBe(503);
    const started = Date.now();
    await client.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    sim.injectFault({ kind: 'drop' });
    await expect(client.auth.test()).rejects.toMatchObject({ code: ErrorCode.RequestError });
    expect(sim.calls.at(-1)).toMatchObject({ status: 0, error: 'connection_dropped' });
  });

  it('enforces each method’s tier by default: 429 with Retry-After once the minute’s budget is spent', async () => {
    let now = Date.now();
    await sim.close();
    sim = await seededSimulator({ clock: () => now });
    const limited = webClient(sim, { rejectRateLimitedCalls: true });
    // Tier 2 (usergroups.users.list): 20 a minute; the 21st waits for the next token, 3 s later.
    for (let i = 0; i < 20; i++) await limited.usergroups.users.list({ usergroup: PLATFORM });
    await expect(limited.usergroups.users.list({ usergroup: PLATFORM })).rejects.toMatchObject({ retryAfter: 3 });
    expect(sim.calls.at(-1)).toMatchObject({ status: 429, error: 'ratelimited' });
    // Tier 4 (users.info) keeps its own budget.
    expect((await limited.users.info({ user: ALICE })).ok).toBe(true);
    now += 3000;
    expect((await limited.usergroups.users.list({ usergroup: PLATFORM })).ok).toBe(true);
  });

  it('enforces chat.postMessage’s pace per channel', async () => {
    let now = Date.now();
    await sim.close();
    sim = await seededSimulator({ clock: () => now, rateLimits: { postMessageBurst: 1 } });
    const limited = webClient(sim, { rejectRateLimitedCalls: true });
    await limited.chat.postMessage({ channel: AUDIT, text: 'one' });
    await expect(limited.chat.postMessage({ channel: AUDIT, text: 'two' })).rejects.toMatchObject({ retryAfter: 1 });
    await limited.chat.postMessage({ channel: ALICE, text: 'another channel' });
    now += 1000;
    expect((await limited.chat.postMessage({ channel: AUDIT, text: 'two' })).ok).toBe(true);
  });
});

describe('message metadata and reading threads back', () => {
  it('keeps metadata and returns it from conversations.history/replies only with include_all_metadata, paging with a cursor', async () => {
    await sim.close();
    sim = await seededSimulator({ rateLimits: false });
    client = webClient(sim);
    const metadata = { event_type: 'iam_audit', event_payload: { event_id: 'e1', seq: 7 } };
    const root = await client.chat.postMessage({ channel: AUDIT, text: 'REQ-0001: pending', metadata });
    for (let n = 1; n <= 3; n++)
      await client.chat.postMessage({ channel: AUDIT, text: `reply ${n}`, thread_ts: root.ts as string, metadata });
    await client.chat.postMessage({ channel: AUDIT, text: 'standalone' });
    const history = await client.conversations.history({ channel: AUDIT, include_all_metadata: true });
    // Newest first; a root says how many replies it has; replies are not in history.
    expect(history.messages?.map((m) => m.text)).toEqual(['standalone', 'REQ-0001: pending']);
    expect(history.messages?.[1]).toMatchObject({ reply_count: 3, thread_ts: root.ts, metadata });
    expect((await client.conversations.history({ channel: AUDIT })).messages?.[1]?.metadata).toBeUndefined();
    const first = await client.conversations.replies({
      channel: AUDIT,
      ts: root.ts as string,
      limit: 2,
      include_all_metadata: true,
    });
    expect(first.messages?.map((m) => m.text)).toEqual(['REQ-0001: pending', 'reply 1']);
    expect(first.has_more).toBe(true);
    const rest = await client.conversations.replies({
      channel: AUDIT,
      ts: root.ts as string,
      limit: 2,
      cursor: first.response_metadata?.next_cursor as string,
    });
    expect(rest.messages?.map((m) => m.text)).toEqual(['reply 2', 'reply 3']);
    expect(rest.has_more).toBe(false);
    expect(
      await refusal(client.conversations.replies({ channel: AUDIT, ts: root.ts as string, cursor: 'bm9wZQ==' })),
    ).toBe('invalid_cursor');
  });

  it('marks a message edited by chat.update and keeps its metadata unless replaced; refuses malformed metadata', async () => {
    const posted = await client.chat.postMessage({
      channel: AUDIT,
      text: 'x',
      metadata: { event_type: 'iam_audit', event_payload: { seq: 1 } },
    });
    await client.chat.update({ channel: AUDIT, ts: posted.ts as string, text: 'y' });
    const [message] =
      (await client.conversations.history({ channel: AUDIT, include_all_metadata: true })).messages ?? [];
    expect(message).toMatchObject({
      text: 'y',
      edited: { user: sim.identity.botUserId },
      metadata: { event_type: 'iam_audit', event_payload: { seq: 1 } },
    });
    expect(
      await refusal(
        client.apiCall('chat.postMessage', {
          channel: AUDIT,
          text: 'z',
          metadata: JSON.stringify({ event_payload: {} }),
        }),
      ),
    ).toBe('invalid_metadata_format');
  });

  it('reads a public channel only with the bot in it', async () => {
    sim.workspace.addChannel('C0OPS', 'ops');
    expect(await refusal(client.conversations.history({ channel: 'C0OPS' }))).toBe('not_in_channel');
  });
});
