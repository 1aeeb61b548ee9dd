import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadPolicy } from '../config/load-policy.ts';
import { PolicyError } from '../config/problems.ts';
import { readRuntimeSettings } from '../config/runtime.ts';
import { EXIT, type Io } from './io.ts';

export const startHelp = `Usage: iam-bot start [--config FILE] [--data DIR]

Runs the bot. It needs:
  SLACK_BOT_TOKEN                         the bot token (xoxb-…)
  SLACK_SIGNING_SECRET or SLACK_APP_TOKEN HTTP mode, or Socket Mode (xapp-…)
  a policy file                           --config FILE, $IAM_BOT_POLICY, or ./policy.yml
Optional: SLACK_API_URL, PORT (HTTP mode, default 3000), IAM_BOT_DATA_DIR (default ./data), LOG_LEVEL.

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
  const runtime = readRuntimeSettings(io.env, values.config === undefined ? {} : { policyFile: values.config });
  if (!runtime.ok) problems.push(...runtime.problems);
  const policyFile = values.config ?? io.env.IAM_BOT_POLICY ?? 'policy.yml';
  if (await access(policyFile).then(() => true, () => false)) {
    await loadPolicy(policyFile, io.env).catch((error: unknown) => {
      if (!(error instanceof PolicyError)) throw error;
      problems.push(...error.message.split('\n'));
    });
  } else {
    problems.push(`The policy file ${policyFile} does not exist: pass --config FILE or set IAM_BOT_POLICY (see examples/policy.yml).`);
  }
  if (problems.length === 0) {
    problems.push('The Slack surface is not part of this build yet: configuration is complete, but there is nothing to serve it with.');
  }
  io.err('iam-bot cannot start:');
  for (const problem of problems) io.err(`  - ${problem}`);
  return EXIT.failed;
}
