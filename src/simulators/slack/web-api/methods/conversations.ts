/** conversations.open, conversations.join and conversations.info. */
import type { SimChannel } from '../../directory.ts';
import type { JsonObject } from '../../json.ts';
import { visibleToBot } from '../access.ts';
import { SlackApiError } from '../errors.ts';
import type { MethodHandler } from '../method.ts';
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
    // WIRE.md §5: conversations.open with a deactivated user answers user_disabled.
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
  return already ? { ...answer, warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : answer;
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
  if (!call.scopes.includes(needed)) throw new SlackApiError('missing_scope', { needed, provided: call.scopes.join(',') });
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
