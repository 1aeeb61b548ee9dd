/** `check`'s Slack test, when a bot token is given: the token works, and the bot can post in every channel the policy names. */
import { webApi } from '@slack/bolt';
import type { Policy } from '../domain/policy.ts';
import { createLogger } from '../log.ts';
import { boltLogger } from '../slack/bolt-logger.ts';
import { channelsOf, checkChannels } from '../slack/channel-readiness.ts';
import { apiBase } from '../slack/client.ts';
import type { Io } from './io.ts';

/** Prints one line per check; true when every one passed. */
export async function probeSlack(policy: Policy, token: string, apiUrl: string | undefined, io: Io): Promise<boolean> {
  // One attempt each, as for the providers: check reports what is true now.
  const client = new webApi.WebClient(token, {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: boltLogger(createLogger({ level: 'silent' })),
    ...(apiUrl ? { slackApiUrl: apiBase(apiUrl) } : {}),
  });
  io.out('\nSlack (read-only: auth.test, conversations.info):');
  try {
    const auth = await client.auth.test();
    io.out(`  ok   ${'token'.padEnd(14)} the bot @${auth.user ?? '?'} in ${auth.team ?? '?'}`);
  } catch (error) {
    const e = error as { data?: { error?: string }; message?: string };
    io.out(`  FAIL ${'token'.padEnd(14)} ${e.data?.error ?? e.message ?? String(error)}: check SLACK_BOT_TOKEN (and SLACK_API_URL)`);
    return false;
  }
  const results = await checkChannels(client, channelsOf(policy));
  if (results.length === 0) io.out('  (the policy names no channel: no audit thread, approvals by DM)');
  for (const r of results) io.out(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.channel.padEnd(14)} ${r.purpose}: ${r.ok ? `${r.name}, the bot can post there` : r.problem}`);
  return results.every((r) => r.ok);
}
