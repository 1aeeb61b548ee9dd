/** The Slack Web API client type the bot uses (Bolt's), and a DM helper every part shares. */
import type { webApi } from '@slack/bolt';
import type { KnownBlock, MessageMetadata } from '@slack/types';
import type { MessageRef } from '../workflow/ports.ts';
import { IamBotError } from '../shared/errors.ts';

export type SlackClient = webApi.WebClient;

/** The Web API base URL as the WebClient wants it (with a trailing slash), from SLACK_API_URL. */
export function apiBase(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Opens (once per person) and remembers DM channels. */
export class DmChannels {
  readonly #channels = new Map<string, string>();

  constructor(private readonly client: SlackClient) {}

  async of(user: string): Promise<string> {
    const known = this.#channels.get(user);
    if (known) return known;
    const opened = await this.client.conversations.open({ users: user });
    const channel = opened.channel?.id;
    if (!channel) throw new IamBotError('slack_bad_answer', `conversations.open gave no channel for ${user}`);
    this.#channels.set(user, channel);
    return channel;
  }

  async post(user: string, message: { text: string; blocks: KnownBlock[] }): Promise<MessageRef> {
    return post(this.client, await this.of(user), message);
  }
}

export async function post(
  client: SlackClient,
  channel: string,
  message: { text: string; blocks?: KnownBlock[]; metadata?: MessageMetadata },
  threadTs?: string,
): Promise<MessageRef> {
  const posted = await client.chat.postMessage({ channel, ...message, ...(threadTs ? { thread_ts: threadTs } : {}) });
  if (!posted.ts || !posted.channel)
    throw new IamBotError('slack_bad_answer', `chat.postMessage to ${channel} gave no ts`);
  return { channel: posted.channel, ts: posted.ts };
}
