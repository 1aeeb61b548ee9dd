/** conversations.open, .join, .info, .history and .replies. */
import type { SimContext } from '../../context.ts';
import type { SimChannel } from '../../directory.ts';
import type { StoredMessage } from '../../messages.ts';
import type { JsonObject } from '../../json.ts';
import { visibleToBot } from '../access.ts';
import { SlackApiError } from '../errors.ts';
import type { MethodCall, MethodHandler } from '../method.ts';
import { list, str } from '../params.ts';

/** Slack's cap on users in one group DM opened this way. */
const MAX_USERS = 8;

/** The bot's DM (or group DM) with users, stable across calls. */
export const open: MethodHandler = (call, ctx) => {
  const { directory } = ctx.workspace;
  const channelId = str(call.params, 'channel');
  if (channelId !== undefined) {
    const channel = directory.channel(channelId);
    if (!channel || channel.kind === 'public') throw new SlackApiError('channel_not_found');
    return { no_op: true, already_open: true, channel: { id: channel.id } };
  }
  const users = list(call.params, 'users');
  if (users.length === 0) throw new SlackApiError('users_list_not_supplied');
  if (users.length > MAX_USERS) throw new SlackApiError('too_many_users');
  for (const id of users) {
    const user = directory.user(id);
    if (!user) throw new SlackApiError('user_not_found');
    // docs/slack.md: conversations.open with a deactivated user answers user_disabled.
    if (user.deleted) throw new SlackApiError('user_disabled');
  }
  const { channel, created } = directory.openConversation(users);
  return created ? { channel: { id: channel.id } } : { no_op: true, already_open: true, channel: { id: channel.id } };
};

/**
 * conversations.join (scope channels:join): the bot joins a public channel. Errors and the
 * `already_in_channel` warning from https://api.slack.com/methods/conversations.join.
 */
export const join: MethodHandler = (call, ctx) => {
  const channel = ctx.workspace.directory.channel(str(call.params, 'channel') ?? '');
  if (!channel || !visibleToBot(channel)) throw new SlackApiError('channel_not_found');
  if (channel.kind !== 'public') throw new SlackApiError('method_not_supported_for_channel_type');
  if (channel.archived) throw new SlackApiError('is_archived');
  const already = channel.botMember;
  ctx.workspace.directory.setBotMember(channel.id, true);
  const answer = { channel: conversationObject(channel) };
  return already
    ? { ...answer, warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } }
    : answer;
};

/**
 * conversations.info: a channel as the bot sees it (`is_member`, `is_archived`, `is_private`). Scope
 * by kind (https://api.slack.com/methods/conversations.info): channels:read for public channels,
 * groups:read for private ones, im:read / mpim:read for DMs.
 */
export const info: MethodHandler = (call, ctx) => {
  const channel = ctx.workspace.directory.channel(str(call.params, 'channel') ?? '');
  if (!channel || !visibleToBot(channel)) throw new SlackApiError('channel_not_found');
  const needed = { public: 'channels:read', private: 'groups:read', im: 'im:read', mpim: 'mpim:read' }[channel.kind];
  if (!call.scopes.includes(needed))
    throw new SlackApiError('missing_scope', { needed, provided: call.scopes.join(',') });
  return { channel: conversationObject(channel) };
};

/** The conversation object of https://api.slack.com/types/conversation, the fields an app reads. */
function conversationObject(channel: SimChannel): JsonObject {
  const isChannel = channel.kind === 'public' || channel.kind === 'private';
  return {
    id: channel.id,
    ...(isChannel ? { name: channel.name } : {}),
    is_channel: isChannel,
    is_group: false,
    is_im: channel.kind === 'im',
    is_mpim: channel.kind === 'mpim',
    is_private: channel.kind !== 'public',
    is_archived: channel.archived,
    is_member: channel.botMember,
  };
}

/**
 * conversations.history and conversations.replies, as https://docs.slack.dev/reference/methods/conversations.history
 * and …/conversations.replies describe them: the read scope by kind of conversation (channels:history,
 * groups:history, im:history, mpim:history), `not_in_channel` for a public channel the bot is not in,
 * cursor pagination (`limit`, `has_more`, `response_metadata.next_cursor`, `invalid_cursor`), history
 * newest first, a thread as its root then its replies oldest first, and message metadata only with
 * `include_all_metadata`. Deleted messages are gone. `oldest`/`latest` are not simulated.
 */
export const history: MethodHandler = (call, ctx) => {
  const channel = readable(call, ctx);
  const messages = ctx.workspace.messages.inChannel(channel.id).slice().reverse();
  return page(
    call,
    messages.map((m) => withThreadSummary(ctx, m, call)),
    100,
  );
};

export const replies: MethodHandler = (call, ctx) => {
  const channel = readable(call, ctx);
  const ts = str(call.params, 'ts');
  if (ts === undefined || ts === '') throw new SlackApiError('invalid_arguments');
  const root = ctx.workspace.messages.find(channel.id, ts);
  if (!root) throw new SlackApiError('thread_not_found');
  const thread = ctx.workspace.messages.thread(channel.id, root.thread_ts ?? root.ts);
  return page(
    call,
    thread.map((m) => withThreadSummary(ctx, m, call)),
    1000,
  );
};

const HISTORY_SCOPES = {
  public: 'channels:history',
  private: 'groups:history',
  im: 'im:history',
  mpim: 'mpim:history',
} as const;

function readable(call: MethodCall, ctx: SimContext): SimChannel {
  const channel = ctx.workspace.directory.channel(str(call.params, 'channel') ?? '');
  if (!channel || !visibleToBot(channel)) throw new SlackApiError('channel_not_found');
  const needed = HISTORY_SCOPES[channel.kind];
  if (!call.scopes.includes(needed))
    throw new SlackApiError('missing_scope', { needed, provided: call.scopes.join(',') });
  if (channel.kind === 'public' && !channel.botMember) throw new SlackApiError('not_in_channel');
  return channel;
}

/** A message as history/replies show it: a thread root also says how many replies it has. */
function withThreadSummary(ctx: SimContext, message: StoredMessage, call: MethodCall): JsonObject {
  const api = ctx.workspace.messages.toApi(message, flag(call.params, 'include_all_metadata'));
  if (message.thread_ts !== undefined) return api;
  const thread = ctx.workspace.messages.thread(message.channel, message.ts).slice(1);
  if (thread.length === 0) return api;
  return { ...api, thread_ts: message.ts, reply_count: thread.length, latest_reply: thread.at(-1)!.ts };
}

/** One page of `items`: the cursor is opaque to callers (here, the offset). */
function page(call: MethodCall, items: JsonObject[], defaultLimit: number): JsonObject {
  const cursor = str(call.params, 'cursor');
  let offset = 0;
  if (cursor !== undefined && cursor !== '') {
    const decoded = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!decoded) throw new SlackApiError('invalid_cursor');
    offset = Number(decoded[1]);
  }
  const requested = Number(str(call.params, 'limit') ?? defaultLimit);
  const limit = Number.isInteger(requested) && requested > 0 ? Math.min(requested, 999) : defaultLimit;
  const messages = items.slice(offset, offset + limit);
  const more = offset + limit < items.length;
  return {
    messages,
    has_more: more,
    response_metadata: { next_cursor: more ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '' },
  };
}

function flag(params: JsonObject, key: string): boolean {
  const value = params[key];
  return value === true || value === 'true' || value === '1' || value === 1;
}
