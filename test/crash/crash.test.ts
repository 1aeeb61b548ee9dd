import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCrashTest } from './run.ts';

// The disk-full run needs a private mount namespace for its small file system: root, as CI is. CI must never
// skip it silently, so there it runs (and fails loudly) even where the check says it cannot.
const canMount = process.platform === 'linux' && spawnSync('unshare', ['-m', 'true']).status === 0;

describe('crash safety', () => {
  it(
    'SIGKILLed again and again, the bot ends every request as planned, each effect once, with an intact audit chain, every Slack post once (kills during posting and at retire steps too) and no secret on disk',
    { timeout: 240_000 },
    async () => {
      // npm run test:crash runs the same at full size (200+ requests, 25 kills).
      const report = await runCrashTest({ requests: 60, kills: 8, seed: 20261121, finishMs: 120_000 });
      expect(report.problems).toEqual([]);
      expect(report.kills).toBeGreaterThanOrEqual(6);
      expect(report.retireKills).toBeGreaterThanOrEqual(1);
    },
  );

  it.skipIf(!canMount && !process.env.CI)(
    'when the data directory fills up mid-run, the bot refuses what it cannot record, loses and repeats nothing, and carries on once space is freed',
    { timeout: 240_000 },
    async () => {
      const report = await runCrashTest({ requests: 30, kills: 6, seed: 20261202, finishMs: 120_000, diskFull: true });
      expect(report.problems).toEqual([]);
      expect(report.fullDisk?.lives).toBe(2);
      // The full disk was met: a click refused, or a start refused saying the disk is full.
      expect(report.fullDisk?.refusals).toBeGreaterThanOrEqual(1);
    },
  );
});
