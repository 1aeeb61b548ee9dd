/** `audit verify --slack`: the audit channel's threads held against the (already verified) log. */
import { webApi } from '@slack/bolt';
import { readEntries, type AuditSource } from '../audit/index.ts';
import { REQUEST_EVENTS } from '../domain/notice.ts';
import { createLogger } from '../log.ts';
import { compareThreads, readAuditThreads, type LoggedEvent } from '../slack/audit-thread-check.ts';
import { boltLogger } from '../slack/bolt-logger.ts';
import { apiBase } from '../slack/client.ts';
import { describeSlackError } from '../slack/errors.ts';
import { EXIT, type Io } from './io.ts';

const REQUEST_EVENT_NAMES = new Set<string>(REQUEST_EVENTS);

/** Parts of a notice that, when recorded undeliverable, excuse a missing audit reply. */
const REPLY_PARTS = new Set(['audit-reply']);

export async function verifySlack(
  file: AuditSource,
  channel: string,
  pendingNotices: readonly string[],
  io: Io,
): Promise<number> {
  const token = io.env.SLACK_BOT_TOKEN?.trim();
  if (!token) {
    io.err(
      'audit verify --slack needs SLACK_BOT_TOKEN (and SLACK_API_URL, if any): the bot token with channels:history or groups:history',
    );
    return EXIT.failed;
  }
  const apiUrl = io.env.SLACK_API_URL?.trim();
  // The WebClient's default retries wait out a 429's Retry-After: a long history is read at Slack's pace.
  const client = new webApi.WebClient(token, {
    logger: boltLogger(createLogger({ level: 'silent' })),
    ...(apiUrl ? { slackApiUrl: apiBase(apiUrl) } : {}),
  });
  const { events, excused } = await loggedEvents(file);
  const waiting = new Set(pendingNotices);
  let threads;
  try {
    const auth = await client.auth.test();
    threads = await readAuditThreads(client, channel, auth.bot_id);
  } catch (error) {
    io.err(`cannot read ${channel}'s threads: ${describeSlackError(error)}`);
    return EXIT.failed;
  }
  const expected = (e: LoggedEvent) =>
    e.requestId !== null && REQUEST_EVENT_NAMES.has(e.event) && !excused.has(e.eventId) && !waiting.has(e.eventId);
  const findings = compareThreads(events, threads, expected);
  const replies = threads.reduce((n, t) => n + t.replies.length, 0);
  if (findings.length === 0) {
    io.out(
      `${channel}: ${threads.length} threads, ${replies} replies, each matching its log entry; every logged request event has its reply`,
    );
    return EXIT.ok;
  }
  for (const f of findings) io.err(`${channel}: ${f.message}`);
  io.err(`${channel}: ${findings.length} problem${findings.length === 1 ? '' : 's'} in ${threads.length} threads`);
  return EXIT.failed;
}

/** The log's events, and the notices whose audit reply the log itself says never went out. */
async function loggedEvents(file: AuditSource): Promise<{ events: LoggedEvent[]; excused: Set<string> }> {
  const events: LoggedEvent[] = [];
  const excused = new Set<string>();
  for await (const { entry } of readEntries(file)) {
    events.push({
      seq: entry.seq,
      hash: entry.hash,
      eventId: entry.eventId,
      requestId: entry.requestId,
      requestRef: entry.requestRef,
      event: entry.event,
    });
    const notice = typeof entry.details.notice === 'string' ? entry.details.notice : undefined;
    if (!notice) continue;
    const parts = Array.isArray(entry.details.undelivered) ? (entry.details.undelivered as { part?: unknown }[]) : [];
    if (entry.event === 'notice.dropped' || parts.some((u) => typeof u.part === 'string' && REPLY_PARTS.has(u.part)))
      excused.add(notice);
  }
  return { events, excused };
}
