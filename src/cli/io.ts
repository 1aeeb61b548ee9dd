/** Where a command writes and what it reads from its environment; tests pass their own. */
import { IamBotError } from '../shared/errors.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Raw stream for bulk output (exports). */
  stdout: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Ends a long-running command (`audit export --follow`); the process's SIGINT and SIGTERM when unset. */
  signal?: AbortSignal;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  stdout: process.stdout,
  env: process.env,
};

/** A mistake in how the command was called: printed with the command's usage, exit code 2. */
export class UsageError extends IamBotError<'usage'> {
  override name = 'UsageError';

  constructor(message: string, options?: ErrorOptions) {
    super('usage', message, options);
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function dataDirOf(values: { data?: string | undefined }, env: NodeJS.ProcessEnv): string {
  return values.data ?? env.IAM_BOT_DATA_DIR ?? './data';
}

/** A signal that aborts on SIGINT or SIGTERM, for commands that run until stopped. */
export function terminationSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}
