/** The bot's readiness conditions: its data directory takes writes, and Slack accepts its token. */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { webApi } from '@slack/bolt';
import type { Clock } from '../workflow/ports.ts';
import { cachedCheck, type ReadinessCheck } from './routes.ts';

export function readinessChecks(dataDir: string, slack: webApi.WebClient, clock: Clock): ReadinessCheck[] {
  const options = { ttlMs: 10_000, timeoutMs: 2_000, now: () => clock.now() };
  return [
    cachedCheck(
      'store',
      () => access(dataDir, constants.W_OK).then(() => undefined, (error: NodeJS.ErrnoException) => `data directory not writable (${error.code ?? 'error'})`),
      options,
    ),
    cachedCheck('slack', async () => ((await slack.auth.test()).ok ? undefined : 'auth.test refused'), options),
  ];
}
