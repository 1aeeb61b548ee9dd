import { parseArgs } from 'node:util';
import { loadPolicy } from '../config/load-policy.ts';
import { PolicyError, formatProblem } from '../config/problems.ts';
import { summarize } from '../config/summary.ts';
import { createLogger } from '../log.ts';
import { EXIT, type Io } from './io.ts';
import { probeProviders } from './probe.ts';
import { probeSlack } from './slack-probe.ts';

export const checkHelp = `Usage: iam-bot check --config FILE

Validates a policy file: its YAML, every field and every reference between sections, and that every
stage can be approved by someone other than the requester (separation of duties counted: nobody approves
their own request, and by default one person approves at most one stage). Prints a summary and exits 0,
or prints each problem as file:line:col and exits 1. A stage that fails only for some people who may ask
(their own request would be refused), or that only admins could approve, is a warning. An env: reference whose variable is
not set here is a warning (a CI job checking the policy has no production secrets), unless
--require-env makes it a problem, as it is for \`start\`.

Then it reaches every provider whose credentials are set with one read-only call, and reports
reachability, latency and authentication errors; an unreachable provider makes the exit code 1.
With SLACK_BOT_TOKEN set (and SLACK_API_URL, if any), it checks the token and that the bot can post
in the audit channel and every approval channel, saying what to do when it cannot (invite the bot),
and that every Slack user and user group the policy names exists (users.info, usergroups.list), each
problem at the file:line:col that names it. A channel the bot cannot post in, or a user or user group
Slack does not know, makes the exit code 1; a deactivated user or a disabled group is a warning.

Options:
  --config FILE   the policy file (default: $IAM_BOT_POLICY, then ./policy.yml)
  --require-env   every env: reference must be set
  --offline       validate only; do not contact the providers or Slack
  --help          this text`;

export async function check(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      'require-env': { type: 'boolean' },
      offline: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    io.out(checkHelp);
    return EXIT.ok;
  }
  const file = values.config ?? io.env.IAM_BOT_POLICY ?? 'policy.yml';
  try {
    const config = await loadPolicy(file, io.env, { missingEnv: values['require-env'] ? 'error' : 'warn' });
    io.out(summarize(config));
    for (const warning of [...config.warnings, ...config.cautions]) io.err(`warning: ${formatProblem(warning)}`);
    const note =
      config.warnings.length > 0
        ? ` (${config.warnings.length} environment variable${config.warnings.length === 1 ? '' : 's'} not set here: start will refuse until they are)`
        : '';
    io.out(`${file}: OK${note}`);
    if (values.offline) return EXIT.ok;
    let ok = true;
    if (Object.keys(config.providers).length > 0) {
      io.out('\nProviders (one read-only call each):');
      const results = await probeProviders(config, createLogger({ level: 'silent' }));
      for (const r of results)
        io.out(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.provider.padEnd(14)} ${String(r.ms).padStart(5)} ms  ${r.detail}`);
      ok = results.every((r) => r.ok);
    }
    const token = io.env.SLACK_BOT_TOKEN?.trim();
    if (token) ok = (await probeSlack(config, token, io.env.SLACK_API_URL?.trim() || undefined, io)) && ok;
    return ok ? EXIT.ok : EXIT.failed;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    io.err(error.message);
    io.err(`${file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
    return EXIT.failed;
  }
}
