import { parseArgs } from 'node:util';
import { loadPolicy } from '../config/load-policy.ts';
import { PolicyError, formatProblem } from '../config/problems.ts';
import { summarize } from '../config/summary.ts';
import { EXIT, type Io } from './io.ts';

export const checkHelp = `Usage: iam-bot check --config FILE

Validates a policy file: its YAML, every field and every reference between sections. Prints a summary
and exits 0, or prints each problem as file:line:col and exits 1. An env: reference whose variable is
not set here is a warning (a CI job checking the policy has no production secrets), unless
--require-env makes it a problem, as it is for \`start\`.

Options:
  --config FILE   the policy file (default: $IAM_BOT_POLICY, then ./policy.yml)
  --require-env   every env: reference must be set
  --help          this text`;

export async function check(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, 'require-env': { type: 'boolean' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    io.out(checkHelp);
    return EXIT.ok;
  }
  const file = values.config ?? io.env.IAM_BOT_POLICY ?? 'policy.yml';
  try {
    const config = await loadPolicy(file, io.env, { missingEnv: values['require-env'] ? 'error' : 'warn' });
    io.out(summarize(config));
    for (const warning of config.warnings) io.err(`warning: ${formatProblem(warning)}`);
    const note = config.warnings.length > 0 ? ` (${config.warnings.length} environment variable${config.warnings.length === 1 ? '' : 's'} not set here: start will refuse until they are)` : '';
    io.out(`${file}: OK${note}`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    io.err(error.message);
    io.err(`${file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
    return EXIT.failed;
  }
}
