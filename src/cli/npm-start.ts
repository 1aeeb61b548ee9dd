/**
 * `npm start`, the README's first command: on a fresh clone (no Slack setting, no policy, no arguments) it
 * runs the sandbox; as soon as anything is configured it is `iam-bot start`, which never falls back to
 * the sandbox, so a misspelled variable is reported instead of papered over.
 */
import { access } from 'node:fs/promises';
import { hasBotSettings } from '../config/runtime.ts';
import { run } from '../main.ts';
import { processIo, type Io } from './io.ts';

export async function npmStart(args: readonly string[], io: Io = processIo): Promise<number> {
  const policyHere = await access('policy.yml').then(
    () => true,
    () => false,
  );
  if (args.length > 0 || policyHere || hasBotSettings(io.env)) return run(['start', ...args], io);
  io.out(
    'Nothing is configured (no Slack setting, no policy): starting the sandbox. To run the bot for real, see `npx iam-bot start --help`.',
  );
  return run(['sandbox'], io);
}
