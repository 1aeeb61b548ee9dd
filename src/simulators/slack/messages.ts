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
  /**
   * App message metadata, `{event_type, event_payload}` (https://docs.slack.dev/messaging/message-metadata):
   * invisible to people, returned by conversations.history/replies with include_all_metadata.
   */
  metadata?: JsonObject;
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
  /**
   * Set by an edit: Slack's message object then carries `edited: {user, ts}` (the editor and when),
   * https://docs.slack.dev/reference/objects/message-object.
   */
  edited?: { user: string; ts: string };
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

  /** Replaces the content, keeping the replaced version in `history`; `editor` marks a channel message edited. */
  update(message: StoredMessage | EphemeralMessage, content: MessageContent, at: number, editor?: string): void {
    message.history.push({ ...copyContent(message), replacedAt: at });
    delete message.blocks;
    delete message.attachments;
    delete message.metadata;
    Object.assign(message, copyContent(content));
    if (editor !== undefined && 'bot_id' in message) message.edited = { user: editor, ts: this.ids.ts() };
  }

  /** A message deleted (by its author or an admin): gone from history, replies and lookups. */
  remove(message: StoredMessage): void {
    message.deleted = true;
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
    return (this.#byChannel.get(channel) ?? []).filter(
      (message) => !message.deleted && message.thread_ts === undefined,
    );
  }

  /** The root followed by its replies, like conversations.replies. */
  thread(channel: string, ts: string): StoredMessage[] {
    return (this.#byChannel.get(channel) ?? []).filter(
      (message) => !message.deleted && (message.ts === ts || message.thread_ts === ts),
    );
  }

  ephemeralFor(user: string): EphemeralMessage[] {
    return this.#ephemeral.filter((message) => message.user === user && !message.deleted);
  }

  /**
   * The message object as the Web API and interaction payloads show it; metadata only when asked for
   * (conversations.history/replies `include_all_metadata`).
   */
  toApi(message: StoredMessage, withMetadata = false): JsonObject {
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
      ...(message.edited === undefined ? {} : { edited: message.edited }),
      ...(withMetadata && message.metadata !== undefined ? { metadata: message.metadata } : {}),
    });
  }
}

function copyContent(content: MessageContent): MessageContent {
  return {
    text: content.text,
    ...(content.blocks === undefined ? {} : { blocks: clone(content.blocks) }),
    ...(content.attachments === undefined ? {} : { attachments: clone(content.attachments) }),
    ...(content.metadata === undefined ? {} : { metadata: clone(content.metadata) }),
  };
}
