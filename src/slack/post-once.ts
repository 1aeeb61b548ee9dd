/**
 * Posting that a crash cannot repeat. Slack has no idempotency key for chat.postMessage, so each post
 * carries its own key in message metadata (https://api.slack.com/metadata/using) and the intent to post
 * it is recorded before the call. A key recorded but never marked done means the process may have died
 * after Slack took the message: the conversation (or the thread) is read back with
 * `include_all_metadata` and a message with the key is adopted instead of posting it again. A token without
 * the scope to read that conversation (an app installed from an earlier manifest) cannot look: then the post
 * is made again, so it may show more than once, rather than never.
 */
import type { KnownBlock, MessageMetadata } from '@slack/types';
import { post, type DmChannels, type SlackClient } from './client.ts';
import type { Logger } from '../log.ts';
import type { MessageRef, MessageRefStore } from '../workflow/ports.ts';
import { platformError } from './errors.ts';

/** The metadata event type of a post that carries no metadata of its own. */
const POST_EVENT_TYPE = 'iam_bot_post';
/** The payload field holding a post's key, beside whatever metadata the message carries already. */
const KEY_FIELD = 'post_key';
/** How far before the recorded intent the history is read: the bot's clock and Slack's may differ. */
const CLOCK_MARGIN_S = 300;

export type Message = { text: string; blocks?: KnownBlock[]; metadata?: MessageMetadata };

export class OncePoster {
  constructor(
    private readonly client: SlackClient,
    private readonly refs: MessageRefStore,
    private readonly dms: DmChannels,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Posts `message` under `key` (`<notice or request id>:<part>`), once across crashes. */
  async post(key: string, channel: string, message: Message, threadTs?: string): Promise<MessageRef> {
    const intended = await this.refs.intentOf(key);
    if (intended === undefined) await this.refs.intend(key, this.now());
    else {
      const found = await this.#find(key, channel, intended, threadTs).catch((error: unknown) => {
        if (platformError(error) !== 'missing_scope') throw error;
        const needed = (error as { data?: { needed?: unknown } }).data?.needed;
        this.log.error(
          { post: key, channel, needed },
          'cannot look for a post an earlier attempt may have made (the app lacks a scope: reinstall it from manifest.yml); posting it again',
        );
        return undefined;
      });
      if (found) return found;
    }
    const metadata: MessageMetadata = message.metadata
      ? { ...message.metadata, event_payload: { ...message.metadata.event_payload, [KEY_FIELD]: key } }
      : { event_type: POST_EVENT_TYPE, event_payload: { [KEY_FIELD]: key } };
    return post(this.client, channel, { ...message, metadata }, threadTs);
  }

  async dm(key: string, user: string, message: Message): Promise<MessageRef> {
    return this.post(key, await this.dms.of(user), message);
  }

  /** The message an earlier attempt posted under `key`, if Slack has it. */
  async #find(key: string, channel: string, intended: number, threadTs?: string): Promise<MessageRef | undefined> {
    const answer = threadTs
      ? await this.client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 999 })
      : await this.client.conversations.history({
          channel,
          oldest: String(Math.floor(intended / 1000) - CLOCK_MARGIN_S),
          include_all_metadata: true,
          limit: 999,
        });
    const found = (answer.messages ?? []).find(
      (m) => (m.metadata?.event_payload as Record<string, unknown> | undefined)?.[KEY_FIELD] === key,
    );
    return found?.ts ? { channel, ts: found.ts } : undefined;
  }
}
