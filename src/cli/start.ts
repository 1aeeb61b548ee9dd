import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startBot } from '../app.ts';
import { loadPolicy, type LoadedConfig } from '../config/load-policy.ts';
import { PolicyError } from '../config/problems.ts';
import { readRuntimeSettings } from '../config/runtime.ts';
import { createLogger } from '../log.ts';
import { EXIT, type Io } from './io.ts';

export const startHelp = `Usage: iam-bot start [--config FILE] [--data DIR]

Runs the bot for real; a missing or misspelled setting stops it with exit code 1, naming the setting.
It never falls back to the sandbox (that is iam-bot sandbox), and refuses a data directory the sandbox
wrote.

It needs:
  SLACK_BOT_TOKEN                         the bot token (xoxb-…)
  SLACK_SIGNING_SECRET or SLACK_APP_TOKEN HTTP mode, or Socket Mode (xapp-…)
  a policy file                           --config FILE, $IAM_BOT_POLICY, or ./policy.yml
  the provider credentials the policy's env: references name
Optional: SLACK_API_URL, PORT (HTTP mode, default 3000; Socket Mode: serves /healthz, /readyz, /metrics), IAM_BOT_DATA_DIR (default ./data), LOG_LEVEL.

Options:
  --config FILE  the policy file
  --data DIR     the data directory
  --help         this text`;

export async function start(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    io.out(startHelp);
    return EXIT.ok;
  }
  const problems: string[] = [];
  const overrides = { ...(values.config !== undefined ? { policyFile: values.config } : {}), ...(values.data !== undefined ? { dataDir: values.data } : {}) };
  const runtime = readRuntimeSettings(io.env, overrides);
  if (!runtime.ok) problems.push(...runtime.problems);
  const policyFile = values.config ?? io.env.IAM_BOT_POLICY ?? 'policy.yml';
  let config: LoadedConfig | undefined;
  if (await access(policyFile).then(() => true, () => false)) {
    config = await loadPolicy(policyFile, io.env).catch((error: unknown) => {
      if (!(error instanceof PolicyError)) throw error;
      problems.push(...error.message.split('\n'));
      return undefined;
    });
  } else {
    problems.push(`The policy file ${policyFile} does not exist: pass --config FILE or set IAM_BOT_POLICY (see examples/policy.yml).`);
  }
  if (!runtime.ok || !config || problems.length > 0) {
    io.err('iam-bot cannot start:');
    for (const problem of problems) io.err(`  - ${problem}`);
    io.err('To try iam-bot without Slack, run `iam-bot sandbox`.');
    return EXIT.failed;
  }
  const log = createLogger();
  const { settings } = runtime;
  const bot = await startBot({ slack: settings.slack, config, dataDir: settings.dataDir, log });
  const mode = settings.slack.mode.type === 'http' ? `HTTP mode on port ${bot.port}, endpoint /slack/events` : 'Socket Mode';
  io.out(`iam-bot is running (${mode}); data in ${settings.dataDir}. Stop with Ctrl-C.`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping: no new requests; finishing the steps in flight');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await bot.stop();
  io.out('iam-bot stopped.');
  return EXIT.ok;
}
