/**
 * The crash test at full size: npm run test:crash [-- --requests 220 --kills 25 --seed 7 --disk-full]
 * (--disk-full: the data directory fills up once mid-run; needs root for a private mount.)
 * Prints `survived N kills` and the request count; exits 1 listing what went wrong otherwise.
 */
import { parseArgs } from 'node:util';
import { runCrashTest } from './run.ts';

const { values } = parseArgs({
  options: {
    'disk-full': { type: 'boolean', default: false },
    requests: { type: 'string', default: '220' },
    kills: { type: 'string', default: '25' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
  },
});
const started = Date.now();
const report = await runCrashTest({
  requests: Number(values.requests),
  kills: Number(values.kills),
  seed: Number(values.seed),
  finishMs: 300_000,
  diskFull: values['disk-full'],
});
const seconds = ((Date.now() - started) / 1000).toFixed(0);
if (report.problems.length > 0) {
  console.error(`FAILED after ${report.kills} kills (${report.requests} requests, seed ${values.seed}, ${seconds} s):`);
  for (const problem of report.problems) console.error(`  - ${problem}`);
  process.exit(1);
}
const full = report.fullDisk
  ? `, a full disk met ${report.fullDisk.refusals} times (a start on it ${report.fullDisk.startOnFullDisk})`
  : '';
console.log(
  `survived ${report.kills} kills (${report.retireKills} at a retire step${full}): ${report.requests} requests over every kind and provider ended as planned, each effect once, every Slack post once, audit chain intact, no secret on disk (seed ${values.seed}, ${seconds} s)`,
);
