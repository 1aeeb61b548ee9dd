/** The bot's readiness conditions: its store takes work (the data directory is writable, or the database answers with its schema current), and Slack accepts its token. */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { webApi } from '@slack/bolt';
import type { Clock } from '../workflow/ports.ts';
import { cachedCheck, type ReadinessCheck } from './routes.ts';

/** Why the data directory cannot take writes, or undefined. */
export function dataDirProblem(dataDir: string): Promise<string | undefined> {
  return access(dataDir, constants.W_OK).then(
    () => undefined,
    (error: NodeJS.ErrnoException) => `data directory not writable (${error.code ?? 'error'})`,
  );
}

export function readinessChecks(
  storeProblem: () => Promise<string | undefined>,
  slack: webApi.WebClient,
  clock: Clock,
): ReadinessCheck[] {
  const options = { ttlMs: 10_000, timeoutMs: 2_000, now: () => clock.now() };
  return [
    cachedCheck('store', storeProblem, options),
    cachedCheck('slack', async () => ((await slack.auth.test()).ok ? undefined : 'auth.test refused'), options),
  ];
}
