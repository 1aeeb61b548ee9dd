/**
 * `check`'s Slack test, when a bot token is given: the token works, the bot can post in every channel the
 * policy names, and every Slack user and user group it names exists (users.info, usergroups.list).
 */
import { webApi } from '@slack/bolt';
import type { LoadedConfig, LocatedSlackRef } from '../config/load-policy.ts';
import { formatProblem } from '../config/problems.ts';
import { createLogger } from '../log.ts';
import { boltLogger } from '../slack/bolt-logger.ts';
import { channelsOf, checkChannels } from '../slack/channel-readiness.ts';
import { apiBase, type SlackClient } from '../slack/client.ts';
import { describeSlackError, platformError } from '../slack/errors.ts';
import { describeMissingScopes, missingScopes } from '../slack/scopes.ts';
import type { Io } from './io.ts';

/** What Slack says of one id: it exists, exists but cannot act (a deactivated user, a disabled group), or not. */
type Verdict = { ok: true } | { ok: 'warn' | false; problem: string };

/** Prints one line per check; true when every one passed. */
export async function probeSlack(
  config: LoadedConfig,
  token: string,
  apiUrl: string | undefined,
  io: Io,
): Promise<boolean> {
  // One attempt each, as for the providers: check reports what is true now.
  const client = new webApi.WebClient(token, {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: boltLogger(createLogger({ level: 'silent' })),
    ...(apiUrl ? { slackApiUrl: apiBase(apiUrl) } : {}),
  });
  io.out('\nSlack (read-only: auth.test, conversations.info, users.info, usergroups.list):');
  let auth: Awaited<ReturnType<SlackClient['auth']['test']>>;
  try {
    auth = await client.auth.test();
    io.out(`  ok   ${'token'.padEnd(14)} the bot @${auth.user ?? '?'} in ${auth.team ?? '?'}`);
  } catch (error) {
    io.out(`  FAIL ${'token'.padEnd(14)} ${describeSlackError(error)}: check SLACK_BOT_TOKEN (and SLACK_API_URL)`);
    return false;
  }
  const missing = missingScopes(auth.response_metadata?.scopes);
  if (missing === undefined) io.out(`  ??   ${'scopes'.padEnd(14)} Slack did not say which scopes the token holds`);
  else if (missing.length === 0) io.out(`  ok   ${'scopes'.padEnd(14)} every scope manifest.yml asks for`);
  else io.out(`  FAIL ${'scopes'.padEnd(14)} ${describeMissingScopes(missing)}`);
  const named = (kind: LocatedSlackRef['kind'], id?: string) =>
    config.slackRefs.filter((ref) => ref.kind === kind && (id === undefined || ref.id === id));
  const results = await checkChannels(client, channelsOf(config.policy));
  if (results.length === 0) io.out('  (the policy names no channel: no audit thread, approvals by DM)');
  for (const r of results) {
    io.out(
      `  ${r.ok ? 'ok  ' : 'FAIL'} ${r.channel.padEnd(14)} ${r.purpose}: ${r.ok ? `${r.name}, the bot can post there` : r.problem}`,
    );
    if (!r.ok)
      for (const ref of named('channel', r.channel))
        io.out(`       ${' '.repeat(14)} named at ${formatProblem({ ...ref, message: '' }).replace(/: $/, '')}`);
  }
  const users = report(io, 'users', named('user'), await verdicts(named('user'), (id) => userVerdict(client, id)));
  const groups = report(io, 'user groups', named('usergroup'), await usergroupVerdicts(client, named('usergroup')));
  return (missing === undefined || missing.length === 0) && results.every((r) => r.ok) && users && groups;
}

/** One line when all is well; otherwise one per place the file names a problem id. True unless one is missing. */
function report(
  io: Io,
  what: string,
  refs: readonly LocatedSlackRef[],
  verdicts: ReadonlyMap<string, Verdict>,
): boolean {
  if (refs.length === 0) return true;
  const bad = refs.filter((ref) => verdicts.get(ref.id)?.ok !== true);
  if (bad.length === 0) io.out(`  ok   ${what.padEnd(14)} ${verdicts.size} named in the policy, all found`);
  for (const ref of bad) {
    const verdict = verdicts.get(ref.id) as Exclude<Verdict, { ok: true }>;
    io.out(
      `  ${verdict.ok === 'warn' ? 'warn' : 'FAIL'} ${ref.id.padEnd(14)} ${formatProblem({ ...ref, message: verdict.problem })}`,
    );
  }
  return bad.every((ref) => verdicts.get(ref.id)?.ok === 'warn');
}

async function verdicts(
  refs: readonly LocatedSlackRef[],
  judge: (id: string) => Promise<Verdict>,
): Promise<Map<string, Verdict>> {
  const out = new Map<string, Verdict>();
  // One at a time: users.info is Tier 4, and a policy names tens of people, not thousands.
  for (const id of new Set(refs.map((ref) => ref.id))) out.set(id, await judge(id));
  return out;
}

async function userVerdict(client: SlackClient, id: string): Promise<Verdict> {
  try {
    const user = (await client.users.info({ user: id })).user as { deleted?: boolean; name?: string } | undefined;
    if (user?.deleted)
      return {
        ok: 'warn',
        problem: `Slack user ${id} (@${user.name ?? '?'}) is deactivated: they can approve nothing; remove them from the policy`,
      };
    return { ok: true };
  } catch (error) {
    if (platformError(error) === 'user_not_found')
      return {
        ok: false,
        problem: `no Slack user ${id} in this workspace (user_not_found): fix the id (profile → ⋮ → Copy member ID) or remove it`,
      };
    return { ok: false, problem: `could not ask Slack about ${id}: ${describeSlackError(error)}` };
  }
}

/** One usergroups.list call, disabled groups included, answers for every group. */
async function usergroupVerdicts(client: SlackClient, refs: readonly LocatedSlackRef[]): Promise<Map<string, Verdict>> {
  const ids = new Set(refs.map((ref) => ref.id));
  if (ids.size === 0) return new Map();
  let groups: { id?: string; handle?: string; date_delete?: number }[];
  try {
    groups = ((await client.usergroups.list({ include_disabled: true })).usergroups ?? []) as typeof groups;
  } catch (error) {
    const problem =
      platformError(error) === 'missing_scope'
        ? 'the app lacks usergroups:read to list user groups: reinstall it from manifest.yml'
        : `could not list user groups: ${describeSlackError(error)}`;
    return new Map([...ids].map((id) => [id, { ok: false, problem }]));
  }
  const byId = new Map(groups.map((group) => [group.id, group]));
  return new Map(
    [...ids].map((id): [string, Verdict] => {
      const group = byId.get(id);
      if (!group)
        return [id, { ok: false, problem: `no Slack user group ${id} in this workspace: fix the id or remove it` }];
      if (group.date_delete)
        return [
          id,
          {
            ok: 'warn',
            problem: `Slack user group ${id} (@${group.handle ?? '?'}) is disabled: nobody in it can approve; enable it or name another`,
          },
        ];
      return [id, { ok: true }];
    }),
  );
}
