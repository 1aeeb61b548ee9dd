/**
 * Messages as the workspace shows them: per channel, with threads, every edit kept, and ephemeral
 * messages (seen by one user only, never in channel history).
 */
import { clone, type JsonObject } from './json.ts';
import type { IdFactory } from './ids.ts';

export interface MessageContent {
  text: string;
  blocks?: JsonObject[];
  attachments?: JsonObject[];
}

export interface MessageVersion extends MessageContent {
  /** When this version was replaced (simulator clock, ms). */
  replacedAt: number;
}

export interface StoredMessage extends MessageContent {
  channel: string;
  ts: string;
  /** Set on replies: the ts of the thread's root. */
  thread_ts?: string;
  /** The author: the bot user, or the user a response_url posted for. */
  user: string;
  /** Set when the app posted it. */
  bot_id?: string;
  app_id?: string;
  /** Earlier versions, oldest first. */
  history: MessageVersion[];
  deleted: boolean;
}

export interface EphemeralMessage extends MessageContent {
  channel: string;
  /** The user who sees it. */
  user: string;
  ts: string;
  thread_ts?: string;
  history: MessageVersion[];
  deleted: boolean;
}

export interface Author {
  user: string;
  bot_id?: string;
  app_id?: string;
}

export class MessageLog {
  readonly #byChannel = new Map<string, StoredMessage[]>();
  readonly #ephemeral: EphemeralMessage[] = [];

  constructor(
    private readonly ids: IdFactory,
    private readonly teamId: string,
  ) {}

  post(channel: string, author: Author, content: MessageContent, threadTs?: string): StoredMessage {
    const message: StoredMessage = {
      channel,
      ts: this.ids.ts(),
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      ...author,
      ...copyContent(content),
      history: [],
      deleted: false,
    };
    const list = this.#byChannel.get(channel) ?? [];
    list.push(message);
    this.#byChannel.set(channel, list);
    return message;
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    return this.#byChannel.get(channel)?.find((message) => message.ts === ts && !message.deleted);
  }

  /** Replaces the content, keeping the replaced version in `history`. */
  update(message: StoredMessage | EphemeralMessage, content: MessageContent, at: number): void {
    message.history.push({ ...copyContent(message), replacedAt: at });
    delete message.blocks;
    delete message.attachments;
    Object.assign(message, copyContent(content));
  }

  postEphemeral(channel: string, user: string, content: MessageContent, threadTs?: string): EphemeralMessage {
    const message: EphemeralMessage = {
      channel,
      user,
      ts: this.ids.ts(),
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      ...copyContent(content),
      history: [],
      deleted: false,
    };
    this.#ephemeral.push(message);
    return message;
  }

  findEphemeral(user: string, ts: string): EphemeralMessage | undefined {
    return this.#ephemeral.find((message) => message.user === user && message.ts === ts && !message.deleted);
  }

  /** Top-level messages (thread roots and standalone ones), oldest first, like conversations.history. */
  inChannel(channel: string): StoredMessage[] {
    return (this.#byChannel.get(channel) ?? []).filter((message) => !message.deleted && message.thread_ts === undefined);
  }

  /** The root followed by its replies, like conversations.replies. */
  thread(channel: string, ts: string): StoredMessage[] {
    return (this.#byChannel.get(channel) ?? []).filter((message) => !message.deleted && (message.ts === ts || message.thread_ts === ts));
  }

  ephemeralFor(user: string): EphemeralMessage[] {
    return this.#ephemeral.filter((message) => message.user === user && !message.deleted);
  }

  /** The message object as the Web API and interaction payloads show it. */
  toApi(message: StoredMessage): JsonObject {
    return clone({
      type: 'message',
      // A bot token's posts carry the bot user, bot_id and app_id (no legacy bot_message subtype).
      ...(message.bot_id === undefined ? {} : { bot_id: message.bot_id, app_id: message.app_id }),
      user: message.user,
      text: message.text,
      ts: message.ts,
      team: this.teamId,
      ...(message.thread_ts === undefined ? {} : { thread_ts: message.thread_ts }),
      ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
      ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
    });
  }
}

function copyContent(content: MessageContent): MessageContent {
  return {
    text: content.text,
    ...(content.blocks === undefined ? {} : { blocks: clone(content.blocks) }),
    ...(content.attachments === undefined ? {} : { attachments: clone(content.attachments) }),
  };
}
