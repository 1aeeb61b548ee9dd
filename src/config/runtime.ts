/**
 * Settings from the environment that are not policy: Slack credentials, where the policy and the data
 * live, the HTTP port. Every problem is reported at once, one line each, naming the variable.
 */
import { z } from 'zod';
import { Secret } from '../domain/secret.ts';

export interface RuntimeSettings {
  slack: { botToken: Secret; mode: { type: 'http'; signingSecret: Secret; port: number } | { type: 'socket'; appToken: Secret }; apiUrl?: string };
  policyFile: string;
  dataDir: string;
}

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: optional,
  PORT: optional,
  IAM_BOT_POLICY: optional,
  IAM_BOT_DATA_DIR: optional,
});

export type RuntimeResult = { ok: true; settings: RuntimeSettings } | { ok: false; problems: string[] };

export function readRuntimeSettings(env: NodeJS.ProcessEnv, overrides: { policyFile?: string; dataDir?: string } = {}): RuntimeResult {
  const e = envSchema.parse(env);
  const problems: string[] = [];
  if (!e.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN is not set: the bot token (xoxb-…) from the Slack app’s "OAuth & Permissions" page.');
  else if (!e.SLACK_BOT_TOKEN.startsWith('xoxb-')) problems.push('SLACK_BOT_TOKEN does not look like a bot token: it starts with xoxb-.');
  if (!e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
    problems.push('Neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode, xapp-…) is set: set one of them.');
  }
  if (e.SLACK_SIGNING_SECRET && e.SLACK_APP_TOKEN) {
    problems.push('Both SLACK_SIGNING_SECRET and SLACK_APP_TOKEN are set: set SLACK_SIGNING_SECRET for HTTP mode or SLACK_APP_TOKEN for Socket Mode, not both.');
  }
  if (e.SLACK_APP_TOKEN && !e.SLACK_APP_TOKEN.startsWith('xapp-')) problems.push('SLACK_APP_TOKEN does not look like an app-level token: it starts with xapp-.');
  const port = e.PORT === undefined ? 3000 : Number(e.PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) problems.push(`PORT must be a TCP port number (1-65535), not "${e.PORT}".`);
  if (e.SLACK_API_URL !== undefined && !URL.canParse(e.SLACK_API_URL)) problems.push(`SLACK_API_URL is not a URL: "${e.SLACK_API_URL}".`);
  if (problems.length > 0 || !e.SLACK_BOT_TOKEN) return { ok: false, problems };
  const mode: RuntimeSettings['slack']['mode'] = e.SLACK_APP_TOKEN
    ? { type: 'socket', appToken: new Secret(e.SLACK_APP_TOKEN) }
    : { type: 'http', signingSecret: new Secret(e.SLACK_SIGNING_SECRET ?? ''), port };
  const slack: RuntimeSettings['slack'] = { botToken: new Secret(e.SLACK_BOT_TOKEN), mode };
  if (e.SLACK_API_URL) slack.apiUrl = e.SLACK_API_URL;
  return {
    ok: true,
    settings: { slack, policyFile: overrides.policyFile ?? e.IAM_BOT_POLICY ?? 'policy.yml', dataDir: overrides.dataDir ?? e.IAM_BOT_DATA_DIR ?? './data' },
  };
}
