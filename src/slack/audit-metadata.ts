/**
 * What the bot's audit-channel messages carry as Slack message metadata
 * (https://docs.slack.dev/messaging/message-metadata: `{event_type, event_payload}`, invisible to
 * people, read back with conversations.history/replies `include_all_metadata`), so anyone can check
 * the audit threads against the hash-chained log (`iam-bot audit verify --slack`).
 */
import { createHash } from 'node:crypto';
import type { MessageMetadata } from '@slack/types';
import { z } from 'zod';

const METADATA_TYPE = {
  reply: 'iam_audit',
  root: 'iam_audit_request',
  checkpoint: 'iam_audit_checkpoint',
} as const;

/** How many hex digits of an entry's hash a reply shows: enough to tell entries apart at a glance. */
export const HASH_PREFIX = 12;

/** Where an event sits in the log, when the reply is posted after it was written. */
export interface LoggedAt {
  seq: number;
  hash: string;
}

/**
 * A reply's metadata: always the event id (an event's notice can go out before the log append that
 * failed is retried, so the id is what ties a reply to its entry), the seq and hash prefix once known,
 * and a digest of the text as posted so a later edit shows.
 */
export function replyMetadata(
  eventId: string,
  event: string,
  text: string,
  logged: LoggedAt | undefined,
): MessageMetadata {
  return {
    event_type: METADATA_TYPE.reply,
    event_payload: {
      event_id: eventId,
      event,
      text_sha256: textDigest(text),
      ...(logged ? { seq: logged.seq, hash: logged.hash.slice(0, HASH_PREFIX) } : {}),
    },
  };
}

export function rootMetadata(requestId: string, requestRef: string, latest: LoggedAt | undefined): MessageMetadata {
  return {
    event_type: METADATA_TYPE.root,
    event_payload: { request_id: requestId, request_ref: requestRef, ...(latest ? { seq: latest.seq } : {}) },
  };
}

export function checkpointMetadata(head: LoggedAt): MessageMetadata {
  return { event_type: METADATA_TYPE.checkpoint, event_payload: { seq: head.seq, hash: head.hash } };
}

/** The first 16 hex digits of the SHA-256 of a message's text. */
export function textDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const replyPayload = z.object({
  event_id: z.string().min(1),
  event: z.string(),
  text_sha256: z.string(),
  seq: z.int().positive().optional(),
  hash: z.string().optional(),
});
const rootPayload = z.object({
  request_id: z.string().min(1),
  request_ref: z.string(),
  seq: z.int().positive().optional(),
});

export type ReplyPayload = z.infer<typeof replyPayload>;
export type RootPayload = z.infer<typeof rootPayload>;

/** A message's metadata read back: undefined when it is not ours or not well-formed. */
export function readReply(metadata: unknown): ReplyPayload | undefined {
  return payloadOf(metadata, METADATA_TYPE.reply, replyPayload);
}

export function readRoot(metadata: unknown): RootPayload | undefined {
  return payloadOf(metadata, METADATA_TYPE.root, rootPayload);
}

function payloadOf<T>(metadata: unknown, type: string, schema: z.ZodType<T>): T | undefined {
  const m = metadata as { event_type?: unknown; event_payload?: unknown } | undefined;
  if (m?.event_type !== type) return undefined;
  const parsed = schema.safeParse(m.event_payload);
  return parsed.success ? parsed.data : undefined;
}
