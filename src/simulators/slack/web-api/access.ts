/**
 * Where the bot may post (docs/slack.md, "Posting to channels"): in its DMs; in a public channel as a
 * member, or anywhere public with `chat:write.public`; in a private channel only when invited —
 * otherwise the channel does not exist for it. An archived channel refuses every post.
 */
import type { SimChannel } from '../directory.ts';
import { SlackApiError } from './errors.ts';

/** Whether the bot can see the channel at all: a private channel it was not invited to is hidden. */
export function visibleToBot(channel: SimChannel): boolean {
  return channel.kind !== 'private' || channel.botMember;
}

/**
 * Throws Slack's refusal of a post in `channel`. `archivedError` differs by method: chat.update
 * answers `is_inactive` ("cannot be edited within a frozen, archived or deleted channel",
 * https://api.slack.com/methods/chat.update), the posting methods `is_archived`.
 */
export function requirePostable(
  channel: SimChannel,
  scopes: readonly string[],
  archivedError: 'is_archived' | 'is_inactive' = 'is_archived',
): void {
  if (!visibleToBot(channel)) throw new SlackApiError('channel_not_found');
  if (channel.archived) throw new SlackApiError(archivedError);
  if (channel.kind === 'public' && !channel.botMember && !scopes.includes('chat:write.public'))
    throw new SlackApiError('not_in_channel');
}
