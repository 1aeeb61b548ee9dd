/** The admins' message about parts of a notice nobody could receive, each with what to do about it. */
import type { Recipient, UndeliveredNotice } from '../../domain/notice.ts';
import type { Message } from './approval.ts';
import { escape, fit, LIMITS, mention, plainText } from './format.ts';

/** Where a part was to go, as people read it. */
function recipientName(to: Recipient): string {
  return 'channel' in to ? `<#${to.channel}>` : `${mention(to.user)} (DM)`;
}

/** What an admin can do about Slack's answer (codes from docs/slack.md and Slack's method pages). */
function remedy(code: string): string {
  switch (code) {
    case 'not_in_channel':
      return 'the bot is not in that channel: invite it there with `/invite @iam-bot`.';
    case 'channel_not_found':
      return 'the channel does not exist, or it is private and the bot was not invited: invite the bot there, or fix the channel id in the policy.';
    case 'is_archived':
    case 'is_inactive':
      return 'the channel is archived: unarchive it, or point the policy at another channel.';
    case 'user_disabled':
    case 'user_not_found':
    case 'user_not_visible':
    case 'cannot_dm_bot':
      return 'that account cannot receive messages (deactivated, unknown, or a bot): update the policy’s people.';
    case 'message_not_found':
    case 'cant_update_message':
      return 'the earlier message is gone, so it was not updated; nothing else to do.';
    case 'missing_scope':
      return 'the app lacks a scope: reinstall it from manifest.yml.';
    case 'no_admins':
      return 'the policy names no admins to tell instead: set `admins`.';
    default:
      return `Slack refused it (\`${escape(code)}\`); the bot’s log has the details.`;
  }
}

export function undeliveredMessage(notice: UndeliveredNotice): Message {
  const what = notice.about.requestRef
    ? `*${notice.about.requestRef}* (${escape(notice.about.event)})`
    : `\`${escape(notice.about.event)}\``;
  const lines = notice.undelivered.map((u) => `• ${recipientName(u.to)}: ${remedy(u.code)}`);
  const text = fit(
    `:warning: Some people were not told about ${what}; the rest were.\n${lines.join('\n')}`,
    LIMITS.sectionText,
  );
  return {
    text: fit(plainText(text), LIMITS.updateText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}
