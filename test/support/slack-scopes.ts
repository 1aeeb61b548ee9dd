/**
 * The bot scope each Web API method the bot calls needs (Slack's method documentation). Tests check
 * that every method the app was seen calling is here, and that manifest.yml grants its scope.
 * A test oracle (the bot never reads it), so it lives with the tests.
 */
export const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'apps.connections.open': [], // the app-level token's connections:write, not a bot scope
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.open': ['im:write'],
  // The readiness check (start, `iam-bot check`): channels:read for public channels, groups:read for private ones.
  'conversations.info': ['channels:read', 'groups:read'],
  // `iam-bot audit verify --slack` reads the audit channel's threads, and a post retried after a crash
  // looks for the bot's own message by its metadata (slack/post-once.ts), DMs included: channels:history
  // for a public channel, groups:history for a private one, im:history for a DM
  // (https://docs.slack.dev/reference/methods/conversations.history).
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'conversations.replies': ['channels:history', 'groups:history', 'im:history'],
  'views.open': [],
  'views.update': [],
  'views.publish': [],
  // The profile email in the answer needs users:read.email on top of users:read.
  'users.info': ['users:read', 'users:read.email'],
  'users.profile.get': ['users.profile:read'],
  'usergroups.users.list': ['usergroups:read'],
  // `iam-bot check` with a token: that every user group the policy names exists and is enabled.
  'usergroups.list': ['usergroups:read'],
};
