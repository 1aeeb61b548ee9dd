import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startBot } from '../app.ts';
import { loadPolicy, type LoadedConfig } from '../config/load-policy.ts';
import { PolicyError } from '../config/problems.ts';
import { readRuntimeSettings } from '../config/runtime.ts';
import { createLogger } from '../log.ts';
import { describeDatabase } from '../shared/database-url.ts';
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
Optional: SLACK_API_URL, PORT (HTTP mode, default 3000; Socket Mode: serves /healthz, /readyz, /metrics), IAM_BOT_DATA_DIR (default ./data),
DATABASE_URL (PostgreSQL instead of the data directory; replicas may share it), LOG_LEVEL,
IAM_BOT_SEALING_KEY (32 bytes in base64: new secrets are sealed in the store and survive a restart; required with DATABASE_URL).

Options:
  --config FILE  the policy file
  --data DIR     the data directory
  --help         this text`;

export async function start(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    io.out(startHelp);
    return EXIT.ok;
  }
  const problems: string[] = [];
  const overrides = {
    ...(values.config !== undefined ? { policyFile: values.config } : {}),
    ...(values.data !== undefined ? { dataDir: values.data } : {}),
  };
  const runtime = readRuntimeSettings(io.env, overrides);
  if (!runtime.ok) problems.push(...runtime.problems);
  const policyFile = values.config ?? io.env.IAM_BOT_POLICY ?? 'policy.yml';
  let config: LoadedConfig | undefined;
  if (
    await access(policyFile).then(
      () => true,
      () => false,
    )
  ) {
    config = await loadPolicy(policyFile, io.env).catch((error: unknown) => {
      if (!(error instanceof PolicyError)) throw error;
      problems.push(...error.message.split('\n'));
      return undefined;
    });
  } else {
    problems.push(
      `The policy file ${policyFile} does not exist: pass --config FILE or set IAM_BOT_POLICY (see examples/policy.yml).`,
    );
  }
  if (!runtime.ok || !config || problems.length > 0) {
    io.err('iam-bot cannot start:');
    for (const problem of problems) io.err(`  - ${problem}`);
    io.err('To try iam-bot without Slack, run `iam-bot sandbox`.');
    return EXIT.failed;
  }
  const log = createLogger();
  const { settings } = runtime;
  const where = {
    dataDir: settings.dataDir,
    ...(settings.databaseUrl !== undefined ? { databaseUrl: settings.databaseUrl } : {}),
  };
  const sealing = settings.sealingKey ? { sealingKey: settings.sealingKey } : {};
  let bot = await startBot({ slack: settings.slack, config, ...where, log, ...sealing });
  const mode =
    settings.slack.mode.type === 'http' ? `HTTP mode on port ${bot.port}, endpoint /slack/events` : 'Socket Mode';
  const data =
    settings.databaseUrl !== undefined ? `PostgreSQL at ${describeDatabase(settings.databaseUrl)}` : settings.dataDir;
  io.out(`iam-bot is running (${mode}); data in ${data}. Stop with Ctrl-C; reload the policy with SIGHUP.`);
  // SIGHUP: the new policy file is checked first; a bad one is refused and the running policy kept. A good
  // one is put in force by a restart in this process: steps in flight finish, then the bot starts on it. If
  // that start fails, the process exits 1 so its supervisor restarts it (work in flight resumes from the store).
  let failed = false;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let reloading = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(async () => {
      const next = await loadPolicy(policyFile, io.env).catch((error: unknown) => {
        log.error(
          { problems: error instanceof Error ? error.message.split('\n') : [String(error)] },
          'policy reload refused; the running policy stays in force',
        );
        return undefined;
      });
      if (!next || failed) return;
      await bot.stop();
      try {
        bot = await startBot({ slack: settings.slack, config: next, ...where, log, ...sealing });
        log.info({ file: next.file, sha256: next.sha256 }, 'policy reloaded');
      } catch (error) {
        log.fatal(
          { err: error },
          'the bot could not start again on the reloaded policy; exiting so the supervisor restarts it',
        );
        failed = true;
        stop();
      }
    });
  };
  const onSignal = (signal: string) => {
    log.info({ signal }, 'stopping: no new requests; finishing the steps in flight');
    stop();
  };
  process.on('SIGHUP', reload);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await stopped;
  process.off('SIGHUP', reload);
  await reloading;
  if (failed) return EXIT.failed;
  await bot.stop();
  io.out('iam-bot stopped.');
  return EXIT.ok;
}
