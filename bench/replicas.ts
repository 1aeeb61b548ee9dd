/**
 * Requests completed end to end per second — submitted through Slack, approved by each stage's approver,
 * carried out on the provider simulators, completed in the audit log — by 1 and by 3 `iam-bot start`
 * replicas sharing one PostgreSQL, the Slack traffic spread over them in turn (no kills). Goal: 3 replicas
 * at least twice one.
 *   npm run bench:replicas [-- --requests 150]
 * Everything runs on this machine: the replicas, PostgreSQL, the simulators and the people driving Slack
 * share its cores, so the ratio says as much about the cores free as about the bot.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makePlan } from '../test/crash/plan.ts';
import { Cluster } from '../test/replicas/cluster.ts';
import { drivePlan } from '../test/replicas/people.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '150' } } });
execFileSync(process.execPath, [join(import.meta.dirname, '../scripts/ensure-built.js')], { stdio: 'inherit' });

interface Throughput {
  perSecond: number;
  requests: number;
  seconds: number;
  /** The machine's 1-minute load average at the start and at the end: what else wanted its cores. */
  load: [number, number];
}

async function throughput(replicas: number): Promise<Throughput> {
  const cluster = await Cluster.start({ replicas });
  try {
    const plan = makePlan(Number(values.requests));
    const started = performance.now();
    const loadBefore = loadavg()[0] ?? 0;
    const report = await drivePlan(cluster, plan, Date.now() + 1_200_000);
    const seconds = (performance.now() - started) / 1000;
    if (report.problems.length > 0) throw new Error(`the run went wrong:\n${report.problems.join('\n')}`);
    const completed = (await cluster.store.list()).filter((r) => r.status.state === 'completed').length;
    return { perSecond: completed / seconds, requests: completed, seconds, load: [loadBefore, loadavg()[0] ?? 0] };
  } finally {
    await cluster.close();
  }
}

const one = await throughput(1);
const three = await throughput(3);
const ratio = three.perSecond / one.perSecond;
const line = (n: number, r: typeof one) =>
  `${n} replica${n > 1 ? 's' : ' '}: ${r.perSecond.toFixed(2)} requests/s (${r.requests} completed in ${r.seconds.toFixed(1)} s; load average ${r.load[0].toFixed(1)} → ${r.load[1].toFixed(1)})`;
console.log(line(1, one));
console.log(line(3, three));
console.log(
  `ratio 3/1: ${ratio.toFixed(2)} (goal ≥ 2) on ${availableParallelism()} cores shared by PostgreSQL, the simulators, the driver and the replicas`,
);
