/**
 * The bot token scopes iam-bot needs, and what for: exactly what manifest.yml asks for
 * (test/slack/manifest.test.ts keeps the two equal). Slack names the scopes a token holds in the
 * `x-oauth-scopes` header of every Web API answer, which the WebClient puts in `response_metadata.scopes`
 * (https://api.slack.com/authentication/oauth-v2#asking): an app installed from an earlier manifest may lack
 * one, and nothing else says so until the call that needs it is refused.
 */
export const BOT_SCOPES: Readonly<Record<string, string>> = {
  commands: 'the /iam command',
  'chat:write': 'approval messages, the audit thread, DMs and their updates',
  'im:write': 'opening DMs',
  'users:read': 'who a person is (users.info)',
  'users:read.email': 'the email that names a person on the providers',
  'users.profile:read': "a person's manager, from their profile",
  'usergroups:read': 'approvers named by a Slack user group',
  'channels:read': 'whether the bot is in a public audit or approval channel',
  'groups:read': 'the same for a private channel',
  'channels:history':
    'finding a channel post made just before a crash instead of posting it twice; audit verify --slack',
  'groups:history': 'the same in a private channel',
  'im:history': 'finding a DM sent just before a crash instead of sending it twice',
};

/** The scopes `granted` lacks, each with what it is for; undefined when Slack did not say what was granted. */
export function missingScopes(granted: readonly string[] | undefined): { scope: string; for: string }[] | undefined {
  if (granted === undefined) return undefined;
  const held = new Set(granted);
  return Object.entries(BOT_SCOPES)
    .filter(([scope]) => !held.has(scope))
    .map(([scope, purpose]) => ({ scope, for: purpose }));
}

/** One sentence for an operator: what is missing and what to do. */
export function describeMissingScopes(missing: readonly { scope: string; for: string }[]): string {
  const list = missing.map((m) => `${m.scope} (${m.for})`).join('; ');
  return `the app lacks ${list}: reinstall it from manifest.yml`;
}
