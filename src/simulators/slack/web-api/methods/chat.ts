/** chat.postMessage, chat.update and chat.postEphemeral. */
import { checkMessageBlocks, LIMITS, withGeneratedIds } from '../../block-kit.ts';
import type { SimContext } from '../../context.ts';
import type { SimChannel } from '../../directory.ts';
import type { JsonObject } from '../../json.ts';
import type { Author, MessageContent } from '../../messages.ts';
import { requirePostable } from '../access.ts';
import { invalidArguments, invalidBlocks, SlackApiError } from '../errors.ts';
import type { MethodCall, MethodHandler } from '../method.ts';
import { str } from '../params.ts';

const TS_PATTERN = /^\d+\.\d+$/;

export const postMessage: MethodHandler = (call, ctx) => {
  const channel = postTarget(call, ctx);
  const content = readContent(call, ctx, 'truncate');
  const threadTs = threadRoot(call, ctx, channel);
  const message = ctx.workspace.messages.post(channel.id, botAuthor(ctx), content, threadTs);
  return { channel: channel.id, ts: message.ts, message: ctx.workspace.messages.toApi(message) };
};

export const update: MethodHandler = (call, ctx) => {
  // chat.update needs the conversation id (a D… for DMs), never a user id.
  const channel = ctx.workspace.directory.channel(str(call.params, 'channel') ?? '');
  if (!channel) throw new SlackApiError('channel_not_found');
  requirePostable(channel, call.scopes, 'is_inactive');
  const ts = str(call.params, 'ts');
  if (ts === undefined) throw invalidArguments('missing required field: ts');
  const message = ctx.workspace.messages.find(channel.id, ts);
  if (!message) throw new SlackApiError('message_not_found');
  if (message.bot_id !== ctx.identity.botId) throw new SlackApiError('cant_update_message');
  const replacement = readContent(call, ctx, 'refuse');
  // Omitted fields keep their previous value; an empty blocks/attachments array removes them.
  const next: MessageContent = { text: str(call.params, 'text') === undefined ? message.text : replacement.text };
  const blocks = call.params.blocks === undefined ? message.blocks : replacement.blocks;
  if (blocks !== undefined && blocks.length > 0) next.blocks = blocks;
  const attachments = call.params.attachments === undefined ? message.attachments : replacement.attachments;
  if (attachments !== undefined && attachments.length > 0) next.attachments = attachments;
  // [guess] Omitted metadata is left as it was, like the other fields.
  const metadata = call.params.metadata === undefined ? message.metadata : replacement.metadata;
  if (metadata !== undefined) next.metadata = metadata;
  ctx.workspace.messages.update(message, next, ctx.clock(), ctx.identity.botUserId);
  const api = ctx.workspace.messages.toApi(message);
  return { channel: channel.id, ts: message.ts, text: message.text, message: api };
};

export const postEphemeral: MethodHandler = (call, ctx) => {
  const channel = postTarget(call, ctx);
  const userId = str(call.params, 'user');
  if (userId === undefined) throw invalidArguments('missing required field: user');
  if (!ctx.workspace.directory.user(userId)) throw new SlackApiError('user_not_found');
  if (!ctx.workspace.directory.isMember(channel, userId)) throw new SlackApiError('user_not_in_channel');
  const content = readContent(call, ctx, 'truncate');
  const threadTs = str(call.params, 'thread_ts');
  const message = ctx.workspace.messages.postEphemeral(channel.id, userId, content, threadTs);
  return { message_ts: message.ts };
};

/**
 * A channel by id or name, or a user id (posting to a user id posts in the bot's DM with them), where
 * the bot may post. A DM with a deactivated user still takes posts nobody reads: Slack answers ok
 * (https://github.com/slackapi/python-slack-sdk/issues/1156) — worth a warning.
 */
function postTarget(call: MethodCall, ctx: SimContext): SimChannel {
  const target = str(call.params, 'channel');
  if (target === undefined || target === '') throw new SlackApiError('channel_not_found');
  const { directory } = ctx.workspace;
  const user = /^[UW]/.test(target) ? directory.user(target) : undefined;
  const channel = user ? directory.openConversation([user.id]).channel : directory.channel(target);
  if (!channel) throw new SlackApiError('channel_not_found');
  requirePostable(channel, call.scopes);
  const readers = channel.kind === 'im' ? (channel.members ?? []).map((id) => directory.user(id)) : [];
  if (readers.some((reader) => reader?.deleted === true))
    call.warn(`${channel.id} is a DM with a deactivated user: Slack accepts the post but nobody reads it`);
  return channel;
}

/**
 * text/blocks/attachments, checked against Slack's limits; blocks get their block_ids filled.
 * docs/slack.md, "Block Kit limits": a posted text over 40,000 characters is truncated; chat.update refuses one over 4,000.
 */
function readContent(call: MethodCall, ctx: SimContext, longText: 'truncate' | 'refuse'): MessageContent {
  const { params } = call;
  const text = str(params, 'text');
  const { blocks, attachments } = params;
  if ((text === undefined || text === '') && blocks === undefined && attachments === undefined)
    throw new SlackApiError('no_text');
  const content: MessageContent = { text: text ?? '' };
  if (longText === 'refuse' && content.text.length > LIMITS.updateText) throw new SlackApiError('msg_too_long');
  if (content.text.length > LIMITS.messageText) {
    call.warn(`text is ${content.text.length} characters: Slack keeps the first ${LIMITS.messageText}`);
    content.text = content.text.slice(0, LIMITS.messageText);
  }
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
    const check = checkMessageBlocks(blocks);
    if (check.errors.length > 0) throw invalidBlocks(check.errors);
    content.blocks = withGeneratedIds(blocks as JsonObject[], ctx.ids);
  }
  if (attachments !== undefined) {
    if (!Array.isArray(attachments)) throw new SlackApiError('invalid_attachments');
    if (attachments.length > 100) throw new SlackApiError('too_many_attachments');
    content.attachments = attachments as JsonObject[];
  }
  if (params.metadata !== undefined) content.metadata = readMetadata(params.metadata);
  return content;
}

/**
 * The thread a reply goes to. A malformed thread_ts is refused; one naming a reply is moved to its
 * root (Slack threads are one level deep); one naming no message is accepted, as Slack does, but the
 * reply is invisible there — worth a warning.
 */
function threadRoot(call: MethodCall, ctx: SimContext, channel: SimChannel): string | undefined {
  const threadTs = str(call.params, 'thread_ts');
  if (threadTs === undefined || threadTs === '') return undefined;
  if (!TS_PATTERN.test(threadTs))
    throw new SlackApiError('invalid_thread_ts', {
      response_metadata: { messages: [`[ERROR] ${threadTs} is not a valid thread_ts`] },
    });
  const parent = ctx.workspace.messages.find(channel.id, threadTs);
  if (!parent)
    call.warn(`thread_ts ${threadTs} names no message in ${channel.id}: Slack accepts the reply but nobody sees it`);
  return parent?.thread_ts ?? threadTs;
}

/**
 * Message metadata: an object with a string `event_type` and an object `event_payload`
 * (https://docs.slack.dev/messaging/message-metadata); anything else is `invalid_metadata_format`
 * (an error chat.postMessage and chat.update list). Slack's size limit is not simulated.
 */
function readMetadata(value: unknown): JsonObject {
  const metadata = value as { event_type?: unknown; event_payload?: unknown } | null;
  const payload = metadata?.event_payload;
  if (
    typeof metadata !== 'object' ||
    typeof metadata?.event_type !== 'string' ||
    metadata.event_type === '' ||
    typeof payload !== 'object' ||
    payload === null ||
    Array.isArray(payload)
  ) {
    throw new SlackApiError('invalid_metadata_format');
  }
  return { event_type: metadata.event_type, event_payload: payload as JsonObject };
}

function botAuthor(ctx: SimContext): Author {
  return { user: ctx.identity.botUserId, bot_id: ctx.identity.botId, app_id: ctx.identity.appId };
}
