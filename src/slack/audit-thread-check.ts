/**
 * `iam-bot audit verify --slack`: reads the audit channel's threads (conversations.history and
 * conversations.replies with include_all_metadata, every page) and holds each reply against the
 * hash-chained log, so a reader can trust Slack as far as the log vouches for it. The WebClient waits
 * out a 429's Retry-After and retries, so a large channel is read at the pace Slack allows.
 */
import type { webApi } from '@slack/bolt';
import { HASH_PREFIX, readReply, readRoot, textDigest, type ReplyPayload } from './audit-metadata.ts';

/** The parts of a log entry the check needs. */
export interface LoggedEvent {
  seq: number;
  hash: string;
  eventId: string;
  requestId: string | null;
  requestRef: string | null;
  event: string;
}

export interface ThreadReply {
  ts: string;
  text: string;
  /** Slack marks a message changed after it was posted; the bot never edits a reply. */
  edited: boolean;
  payload?: ReplyPayload;
}

export interface AuditThread {
  rootTs: string;
  /** The request it is about: from the root's metadata, or its text (`REQ-0042: …`) for roots without it. */
  requestId?: string;
  requestRef?: string;
  replies: ThreadReply[];
}

export type Finding =
  | { kind: 'not_in_log'; ts: string; eventId: string; message: string }
  | { kind: 'missing_reply'; seq: number; eventId: string; message: string }
  | { kind: 'mismatch'; ts: string; seq: number; message: string }
  | { kind: 'unreadable'; ts: string; message: string };

type Client = Pick<webApi.WebClient, 'conversations'>;

/** Every thread in the channel whose root the bot posted, with the bot's replies. */
export async function readAuditThreads(
  client: Client,
  channel: string,
  botId: string | undefined,
): Promise<AuditThread[]> {
  const threads: AuditThread[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.conversations.history({
      channel,
      limit: 200,
      include_all_metadata: true,
      ...(cursor ? { cursor } : {}),
    });
    for (const message of page.messages ?? []) {
      if (!message.ts || !isBot(message, botId)) continue;
      const root = readRoot(message.metadata);
      const ref = root?.request_ref ?? /^(REQ-\d+):/.exec(message.text ?? '')?.[1];
      if (!ref && !root) continue;
      threads.push({
        rootTs: message.ts,
        ...(root ? { requestId: root.request_id } : {}),
        ...(ref ? { requestRef: ref } : {}),
        replies: (message.reply_count ?? 0) > 0 ? await readReplies(client, channel, message.ts, botId) : [],
      });
    }
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return threads;
}

async function readReplies(
  client: Client,
  channel: string,
  ts: string,
  botId: string | undefined,
): Promise<ThreadReply[]> {
  const replies: ThreadReply[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.conversations.replies({
      channel,
      ts,
      limit: 200,
      include_all_metadata: true,
      ...(cursor ? { cursor } : {}),
    });
    for (const message of page.messages ?? []) {
      // The root comes back first; people may discuss in the thread too: only the bot's replies are checked.
      if (!message.ts || message.ts === ts || !isBot(message, botId)) continue;
      const payload = readReply(message.metadata);
      replies.push({
        ts: message.ts,
        text: message.text ?? '',
        edited: message.edited !== undefined,
        ...(payload ? { payload } : {}),
      });
    }
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return replies;
}

function isBot(message: { bot_id?: string }, botId: string | undefined): boolean {
  return message.bot_id !== undefined && (botId === undefined || message.bot_id === botId);
}

/**
 * Compares the threads with the log. `expected` says which logged events should have a reply (request
 * events whose audit reply was not recorded as undeliverable or still waiting to go out).
 */
export function compareThreads(
  log: Iterable<LoggedEvent>,
  threads: readonly AuditThread[],
  expected: (e: LoggedEvent) => boolean,
): Finding[] {
  const byId = new Map<string, LoggedEvent>();
  for (const e of log) byId.set(e.eventId, e);
  const findings: Finding[] = [];
  const replied = new Set<string>();
  const threadOf = new Set<string>();
  for (const thread of threads) {
    if (thread.requestId) threadOf.add(thread.requestId);
    if (thread.requestRef) threadOf.add(thread.requestRef);
    for (const reply of thread.replies) {
      const p = reply.payload;
      if (!p) {
        findings.push({
          kind: 'unreadable',
          ts: reply.ts,
          message: `reply ${reply.ts} in ${thread.requestRef ?? thread.rootTs}'s thread carries no audit metadata: the log cannot vouch for it`,
        });
        continue;
      }
      const entry = byId.get(p.event_id);
      if (!entry) {
        findings.push({
          kind: 'not_in_log',
          ts: reply.ts,
          eventId: p.event_id,
          message: `reply ${reply.ts} in ${thread.requestRef ?? thread.rootTs}'s thread claims event ${p.event_id}${p.seq ? ` (#${p.seq})` : ''}, which the log does not hold`,
        });
        continue;
      }
      replied.add(entry.eventId);
      const problems: string[] = [];
      if (p.seq !== undefined && p.seq !== entry.seq) problems.push(`it says #${p.seq}`);
      if (p.hash !== undefined && p.hash !== entry.hash.slice(0, HASH_PREFIX))
        problems.push(`its hash ${p.hash} is not the entry's ${entry.hash.slice(0, HASH_PREFIX)}`);
      if (p.event !== entry.event) problems.push(`it reports ${p.event}, the entry ${entry.event}`);
      if (entry.requestId !== null && thread.requestId !== undefined && entry.requestId !== thread.requestId)
        problems.push(`the entry is about ${entry.requestRef ?? entry.requestId}`);
      if (reply.edited) problems.push('its text was edited after it was posted');
      else if (textDigest(reply.text) !== p.text_sha256) problems.push('its text is not the text posted');
      if (problems.length > 0)
        findings.push({
          kind: 'mismatch',
          ts: reply.ts,
          seq: entry.seq,
          message: `reply ${reply.ts} for entry #${entry.seq} (${entry.event}) does not match the log: ${problems.join('; ')}`,
        });
    }
  }
  for (const e of byId.values()) {
    if (replied.has(e.eventId) || !expected(e)) continue;
    const where =
      e.requestId !== null && (threadOf.has(e.requestId) || (e.requestRef !== null && threadOf.has(e.requestRef)))
        ? 'its thread'
        : 'the audit channel (no thread found)';
    findings.push({
      kind: 'missing_reply',
      seq: e.seq,
      eventId: e.eventId,
      message: `entry #${e.seq} (${e.event}, ${e.requestRef ?? e.requestId}) has no reply in ${where}`,
    });
  }
  return findings.sort((a, b) => ('seq' in a ? a.seq : 0) - ('seq' in b ? b.seq : 0));
}
