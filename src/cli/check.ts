import { parseArgs } from 'node:util';
import { loadPolicy } from '../config/load-policy.ts';
import { PolicyError } from '../config/problems.ts';
import { summarize } from '../config/summary.ts';
import { EXIT, type Io } from './io.ts';

export const checkHelp = `Usage: iam-bot check --config FILE

Validates a policy file: its YAML, every field, every reference between sections, and that every
env: reference is set. Prints a summary and exits 0, or prints each problem as file:line:col and exits 1.

Options:
  --config FILE   the policy file (default: $IAM_BOT_POLICY, then ./policy.yml)
  --help          this text`;

export async function check(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    io.out(checkHelp);
    return EXIT.ok;
  }
  const file = values.config ?? io.env.IAM_BOT_POLICY ?? 'policy.yml';
  try {
    const config = await loadPolicy(file, io.env);
    io.out(summarize(config));
    io.out(`${file}: OK`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    io.err(error.message);
    io.err(`${file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
    return EXIT.failed;
  }
}
