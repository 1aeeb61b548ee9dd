/** conversations.open: the bot's DM (or group DM) with users, stable across calls. */
import { SlackApiError } from '../errors.ts';
import type { MethodHandler } from '../method.ts';
import { list, str } from '../params.ts';

/** Slack's cap on users in one group DM opened this way. */
const MAX_USERS = 8;

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
  for (const user of users) {
    if (!directory.user(user)) throw new SlackApiError('user_not_found');
  }
  const { channel, created } = directory.openConversation(users);
  return created ? { channel: { id: channel.id } } : { no_op: true, already_open: true, channel: { id: channel.id } };
};
