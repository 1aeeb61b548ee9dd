/**
 * Whether the bot can post where the policy sends messages — the audit channel and each catalog item's
 * approval channel — read with conversations.info (`is_member`, `is_archived`; a private channel the
 * bot was not invited to answers `channel_not_found`), and what to do when it cannot. The set-up
 * iam-bot expects is an invitation (`/invite @iam-bot`): it works for public and private channels
 * alike and grants nothing beyond the channels people chose (README, "Slack set-up").
 */
import type { Policy } from '../domain/policy.ts';
import type { SlackClient } from './client.ts';
import { describeSlackError, platformError } from './errors.ts';

/** A channel the policy posts in, and what for. */
export interface ChannelNeed {
  channel: string;
  purpose: string;
}

export type ChannelReadiness = ChannelNeed & ({ ok: true; name: string } | { ok: false; problem: string });

/** The audit channel and every approval channel, each once with all its purposes. */
export function channelsOf(policy: Policy): ChannelNeed[] {
  const purposes = new Map<string, string[]>();
  const add = (channel: string, purpose: string) => purposes.set(channel, [...(purposes.get(channel) ?? []), purpose]);
  if (policy.audit.channel) add(policy.audit.channel, 'audit channel');
  for (const item of policy.catalog) if (item.channel) add(item.channel, `approvals of ${item.id}`);
  return [...purposes].map(([channel, list]) => ({ channel, purpose: list.join(', ') }));
}

const INVITE = 'invite the bot: type `/invite @iam-bot` in that channel';

/** conversations.info's answer, the fields read here (https://api.slack.com/types/conversation). */
interface ConversationInfo {
  name?: string;
  is_member?: boolean;
  is_archived?: boolean;
  is_private?: boolean;
}

async function checkChannel(client: SlackClient, need: ChannelNeed): Promise<ChannelReadiness> {
  let channel: ConversationInfo;
  try {
    channel = ((await client.conversations.info({ channel: need.channel })).channel ?? {}) as ConversationInfo;
  } catch (error) {
    return { ...need, ok: false, problem: problemOf(error) };
  }
  const name = `#${channel.name ?? need.channel}`;
  if (channel.is_archived)
    return { ...need, ok: false, problem: `${name} is archived: unarchive it, or name another channel in the policy.` };
  if (channel.is_member === false)
    return { ...need, ok: false, problem: `the bot is not in ${name}, so it cannot post there: ${INVITE}.` };
  return { ...need, ok: true, name };
}

export function checkChannels(client: SlackClient, needs: readonly ChannelNeed[]): Promise<ChannelReadiness[]> {
  return Promise.all(needs.map((need) => checkChannel(client, need)));
}

function problemOf(error: unknown): string {
  const code = platformError(error);
  switch (code) {
    case 'channel_not_found':
      return `no such channel for the bot: it does not exist, or it is private and the bot was not invited — ${INVITE}, or fix the channel id in the policy.`;
    case 'missing_scope':
      return 'the app lacks channels:read / groups:read to look at channels: reinstall it from manifest.yml.';
    case undefined:
      return `could not ask Slack: ${describeSlackError(error)}`;
    default:
      return `Slack answered ${code}.`;
  }
}
