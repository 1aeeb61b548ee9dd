/** The Slack notifier delivers each recipient on its own (issue 10, Build 5), against a scripted Web API. */
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestNotice } from '../../src/domain/notice.ts';
import { createLogger } from '../../src/log.ts';
import type { SlackClient } from '../../src/slack/client.ts';
import { LowdbMessageRefs } from '../../src/store/lowdb-message-refs.ts';
import { SlackNotifier } from '../../src/slack/notifier.ts';
import { DeliveryError } from '../../src/workflow/ports.ts';
import { basePolicy, makeRequest, tempDir } from '../support/fixtures.ts';

const AUDIT = 'C0AUDIT';
let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
afterEach(() => dir?.remove());

/**
 * A Web API whose answers for the audit channel are scripted; DMs always work. `lost`: Slack takes the
 * post but the answer never arrives (a timeout, a crash right after the call).
 */
function fakeSlack(auditAnswers: ('ok' | 'http503' | 'not_in_channel' | 'lost')[]) {
  type Posted = {
    channel: string;
    text: string;
    ts: string;
    thread_ts?: string;
    metadata?: { event_type: string; event_payload: Record<string, string> };
  };
  const posts: Posted[] = [];
  let ts = 0;
  const client = {
    conversations: {
      open: async ({ users }: { users: string }) => ({ ok: true, channel: { id: `D_${users}` } }),
      history: async ({ channel }: { channel: string }) => ({
        ok: true,
        messages: posts.filter((p) => p.channel === channel && !p.thread_ts).reverse(),
      }),
      replies: async ({ channel, ts: root }: { channel: string; ts: string }) => ({
        ok: true,
        messages: posts.filter((p) => p.channel === channel && (p.ts === root || p.thread_ts === root)),
      }),
    },
    chat: {
      postMessage: async ({ channel, text, thread_ts, metadata }: Omit<Posted, 'ts'>) => {
        const answer = channel === AUDIT ? (auditAnswers.shift() ?? 'ok') : 'ok';
        if (answer === 'http503')
          throw Object.assign(new Error('An HTTP protocol error occurred: statusCode = 503'), {
            code: 'slack_webapi_http_error',
            statusCode: 503,
          });
        if (answer === 'not_in_channel')
          throw Object.assign(new Error('An API error occurred: not_in_channel'), {
            code: 'slack_webapi_platform_error',
            data: { ok: false, error: 'not_in_channel' },
          });
        const posted: Posted = {
          channel,
          text,
          ts: `${++ts}.000`,
          ...(thread_ts ? { thread_ts } : {}),
          ...(metadata ? { metadata } : {}),
        };
        posts.push(posted);
        if (answer === 'lost')
          throw Object.assign(new Error('A request error occurred: socket hang up'), {
            code: 'slack_webapi_request_error',
          });
        return { ok: true, channel, ts: posted.ts };
      },
      update: async () => ({ ok: true }),
    },
  };
  return { client: client as unknown as SlackClient, posts };
}

async function notifierWith(auditAnswers: Parameters<typeof fakeSlack>[0]) {
  dir = await tempDir();
  const slack = fakeSlack(auditAnswers);
  const notifier = new SlackNotifier(
    slack.client,
    { ...basePolicy, audit: { channel: AUDIT } },
    await LowdbMessageRefs.open(dir.path),
    createLogger({ level: 'silent' }),
  );
  return { notifier, posts: slack.posts };
}

const submitted: RequestNotice = {
  id: 'n1',
  event: 'request.submitted',
  request: makeRequest(1),
  actor: 'U_ALICE',
  approvers: ['U_BOB', 'U_CAROL'],
};

describe('SlackNotifier', () => {
  it('an audit channel answering 5xx does not hold back the approvers and the requester; the retry posts only what is missing', async () => {
    const { notifier, posts } = await notifierWith(['http503']);
    await expect(notifier.deliver(submitted)).rejects.toBeInstanceOf(DeliveryError);
    expect(posts.map((p) => p.channel)).toEqual(['D_U_BOB', 'D_U_CAROL', 'D_U_ALICE']);
    expect(await notifier.deliver(submitted)).toEqual({ undelivered: [] });
    expect(posts.map((p) => p.channel)).toEqual(['D_U_BOB', 'D_U_CAROL', 'D_U_ALICE', AUDIT, AUDIT]);
  });

  it('a post Slack took but whose answer was lost is found by its metadata, not posted again (issue 11 item 15)', async () => {
    const { notifier, posts } = await notifierWith(['ok', 'lost']);
    await expect(notifier.deliver(submitted)).rejects.toBeInstanceOf(DeliveryError);
    expect(await notifier.deliver(submitted)).toEqual({ undelivered: [] });
    const audit = posts.filter((p) => p.channel === AUDIT);
    expect(audit.map((p) => (p.thread_ts ? 'reply' : 'root'))).toEqual(['root', 'reply']);
    expect(audit.map((p) => p.metadata?.event_payload.post_key)).toEqual([
      `${submitted.request.id}:audit-root`,
      'n1:audit-reply',
    ]);
    expect(posts.filter((p) => p.channel === 'D_U_BOB')).toHaveLength(1);
  });

  it('after a restart, a post the dead process made is found by its metadata, not posted again (issue 11 item 15)', async () => {
    dir = await tempDir();
    const slack = fakeSlack(['ok', 'lost']);
    const policy = { ...basePolicy, audit: { channel: AUDIT } };
    const first = new SlackNotifier(
      slack.client,
      policy,
      await LowdbMessageRefs.open(dir.path),
      createLogger({ level: 'silent' }),
    );
    await expect(first.deliver(submitted)).rejects.toBeInstanceOf(DeliveryError);
    // A new process on the same data directory: only slack.json carries over.
    const second = new SlackNotifier(
      slack.client,
      policy,
      await LowdbMessageRefs.open(dir.path),
      createLogger({ level: 'silent' }),
    );
    expect(await second.deliver(submitted)).toEqual({ undelivered: [] });
    expect(slack.posts.filter((p) => p.channel === AUDIT).map((p) => (p.thread_ts ? 'reply' : 'root'))).toEqual([
      'root',
      'reply',
    ]);
  });

  it('reports a channel it can never post in, and still tells everyone else', async () => {
    const { notifier, posts } = await notifierWith(['not_in_channel']);
    expect(await notifier.deliver(submitted)).toEqual({
      undelivered: [{ part: 'audit-reply', to: { channel: AUDIT }, code: 'not_in_channel' }],
    });
    expect(posts.map((p) => p.channel)).toEqual(['D_U_BOB', 'D_U_CAROL', 'D_U_ALICE']);
  });
});
