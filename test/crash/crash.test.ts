import { describe, expect, it } from 'vitest';
import { runCrashTest } from './run.ts';

describe('crash safety', () => {
  it('SIGKILLed again and again, the bot ends every request as planned, each effect once, with an intact audit chain, every Slack post once (kills during posting and at retire steps too) and no secret on disk', { timeout: 240_000 }, async () => {
    // npm run test:crash runs the same at full size (200+ requests, 25 kills).
    const report = await runCrashTest({ requests: 60, kills: 8, seed: 20261121, finishMs: 120_000 });
    expect(report.problems).toEqual([]);
    expect(report.kills).toBeGreaterThanOrEqual(6);
    expect(report.retireKills).toBeGreaterThanOrEqual(1);
  });
});
