/**
 * Settings from the environment that are not policy: Slack credentials, where the policy and the data
 * live, the HTTP port. Every problem is reported at once, one line each, naming the variable.
 */
import { z } from 'zod';
import { Secret } from '../domain/secret.ts';
import { isDatabaseUrl } from '../shared/database-url.ts';
import { parseSealingKey, SealingError } from '../shared/sealing.ts';

export interface RuntimeSettings {
  slack: {
    botToken: Secret;
    mode:
      | { type: 'http'; signingSecret: Secret; port: number; host?: string }
      | { type: 'socket'; appToken: Secret; port?: number };
    apiUrl?: string;
  };
  policyFile: string;
  dataDir: string;
  /** PostgreSQL instead of the embedded store in the data directory (several replicas may share it). */
  databaseUrl?: string;
  /** `IAM_BOT_SEALING_KEY`, decoded (32 bytes): new secrets are sealed in the store. */
  sealingKey?: Buffer;
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
  IAM_BOT_SEALING_KEY: optional,
  DATABASE_URL: optional,
});

/** The variables this file reads. PORT is left out of typo matching: HOST and SORT are two keystrokes away. */
const KNOWN_VARIABLES = Object.keys(envSchema.shape);
const TYPO_TARGETS = KNOWN_VARIABLES.filter((name) => name !== 'PORT');

/**
 * A variable one or two keystrokes away from one iam-bot reads (SLACK_BOT_TOKN, iam_bot_policy) is a
 * typo for it: reported only while the intended variable is unset, since that is when it misleads.
 */
function misspelledVariables(env: NodeJS.ProcessEnv): { name: string; meant: string }[] {
  const found: { name: string; meant: string }[] = [];
  for (const name of Object.keys(env)) {
    if (KNOWN_VARIABLES.includes(name) || (env[name] ?? '').trim() === '') continue;
    const meant = TYPO_TARGETS.find((known) => editDistance(name.toUpperCase(), known) <= 2);
    if (meant !== undefined && (env[meant] ?? '').trim() === '') found.push({ name, meant });
  }
  return found;
}

/** True when anything in the environment is a setting for iam-bot (or a typo for one): then a real run was meant. */
export function hasBotSettings(env: NodeJS.ProcessEnv): boolean {
  const ours = (name: string) => name.startsWith('SLACK_') || name.startsWith('IAM_BOT_');
  return (
    Object.keys(env).some((name) => ours(name) && (env[name] ?? '').trim() !== '') ||
    misspelledVariables(env).length > 0
  );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length]!;
}

export type RuntimeResult = { ok: true; settings: RuntimeSettings } | { ok: false; problems: string[] };

export function readRuntimeSettings(
  env: NodeJS.ProcessEnv,
  overrides: { policyFile?: string; dataDir?: string } = {},
): RuntimeResult {
  const e = envSchema.parse(env);
  const problems: string[] = misspelledVariables(env).map(
    ({ name, meant }) => `${name} is set, but iam-bot reads ${meant}: rename it.`,
  );
  if (!e.SLACK_BOT_TOKEN)
    problems.push(
      'SLACK_BOT_TOKEN is not set: the bot token (xoxb-…) from the Slack app’s "OAuth & Permissions" page.',
    );
  else if (!e.SLACK_BOT_TOKEN.startsWith('xoxb-'))
    problems.push('SLACK_BOT_TOKEN does not look like a bot token: it starts with xoxb-.');
  if (!e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
    problems.push(
      'Neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode, xapp-…) is set: set one of them.',
    );
  }
  if (e.SLACK_SIGNING_SECRET && e.SLACK_APP_TOKEN) {
    problems.push(
      'Both SLACK_SIGNING_SECRET and SLACK_APP_TOKEN are set: set SLACK_SIGNING_SECRET for HTTP mode or SLACK_APP_TOKEN for Socket Mode, not both.',
    );
  }
  if (e.SLACK_APP_TOKEN && !e.SLACK_APP_TOKEN.startsWith('xapp-'))
    problems.push('SLACK_APP_TOKEN does not look like an app-level token: it starts with xapp-.');
  const port = e.PORT === undefined ? 3000 : Number(e.PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    problems.push(`PORT must be a TCP port number (1-65535), not "${e.PORT}".`);
  if (e.SLACK_API_URL !== undefined && !URL.canParse(e.SLACK_API_URL))
    problems.push(`SLACK_API_URL is not a URL: "${e.SLACK_API_URL}".`);
  if (e.DATABASE_URL !== undefined && !isDatabaseUrl(e.DATABASE_URL)) {
    problems.push('DATABASE_URL is not a PostgreSQL URL: postgres://user:password@host:5432/database.');
  }
  const sealingKey = sealingKeyOf(e, problems);
  if (problems.length > 0 || !e.SLACK_BOT_TOKEN) return { ok: false, problems };
  const mode: RuntimeSettings['slack']['mode'] = e.SLACK_APP_TOKEN
    ? { type: 'socket', appToken: new Secret(e.SLACK_APP_TOKEN), ...(e.PORT !== undefined ? { port } : {}) }
    : { type: 'http', signingSecret: new Secret(e.SLACK_SIGNING_SECRET ?? ''), port };
  const slack: RuntimeSettings['slack'] = { botToken: new Secret(e.SLACK_BOT_TOKEN), mode };
  if (e.SLACK_API_URL) slack.apiUrl = e.SLACK_API_URL;
  const settings: RuntimeSettings = {
    slack,
    policyFile: overrides.policyFile ?? e.IAM_BOT_POLICY ?? 'policy.yml',
    dataDir: overrides.dataDir ?? e.IAM_BOT_DATA_DIR ?? './data',
  };
  if (e.DATABASE_URL) settings.databaseUrl = e.DATABASE_URL;
  if (sealingKey) settings.sealingKey = sealingKey;
  return { ok: true, settings };
}

/**
 * The sealing key, decoded; a problem when it is malformed, or missing while DATABASE_URL is set (several
 * replicas share new secrets only through the database, sealed).
 */
function sealingKeyOf(e: z.infer<typeof envSchema>, problems: string[]): Buffer | undefined {
  if (e.IAM_BOT_SEALING_KEY === undefined) {
    if (e.DATABASE_URL !== undefined) {
      problems.push(
        'IAM_BOT_SEALING_KEY is not set, and DATABASE_URL is: with PostgreSQL, new secrets are sealed with it in the database. Set it to 32 random bytes in base64 (openssl rand -base64 32), the same on every replica.',
      );
    }
    return undefined;
  }
  try {
    // Wrapped first: its text is then scrubbed from anything logged or stored by mistake.
    return parseSealingKey(new Secret(e.IAM_BOT_SEALING_KEY).reveal());
  } catch (error) {
    if (!(error instanceof SealingError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}
