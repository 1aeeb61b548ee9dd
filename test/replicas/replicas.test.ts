import { describe, expect, it } from 'vitest';
import { postgresUnavailable } from '../support/postgres.ts';
import { runReplicasTest } from './run.ts';

// No PostgreSQL here: skipped with the reason printed; in CI postgresUnavailable throws instead, so the
// test never passes there unnoticed.
describe.skipIf(postgresUnavailable() !== undefined)('several replicas on PostgreSQL', () => {
  it(
    'three iam-bot processes, random ones SIGKILLed while Slack traffic goes to each in turn: every request ends as planned, each effect once, every Slack post once, the chain verifies, no secret in clear',
    { timeout: 300_000 },
    async () => {
      // npm run test:replicas runs the same at full size (200+ requests, 30 kills).
      const report = await runReplicasTest({
        replicas: 3,
        requests: 40,
        kills: 5,
        seed: 20261202,
        killEveryMs: 1_000,
        finishMs: 240_000,
      });
      expect(report.problems).toEqual([]);
      expect(report.kills).toBe(5);
    },
  );
});
