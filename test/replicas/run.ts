/**
 * The replicas test: three `iam-bot start` processes share one PostgreSQL; the plan's people work through
 * Slack, their requests spread over the replicas in turn, while random replicas are SIGKILLed and started
 * again. Then everything is checked against what the plan should have produced without any kill.
 */
import { checkOutcome, mulberry32, secretsIn, secretsOf, sleep } from '../crash/outcome.ts';
import { makePlan } from '../crash/plan.ts';
import { Cluster } from './cluster.ts';
import { drivePlan } from './people.ts';

export interface ReplicasOptions {
  replicas: number;
  requests: number;
  kills: number;
  /** Seeds the kill schedule, so a failing run can be replayed. */
  seed: number;
  /**
   * Mean time between kills (each restart is waited for: one replica down at a time). Should the plan be done
   * before the kills are, the people go on with more requests (the plan's next rounds) until they are.
   */
  killEveryMs: number;
  /** The whole plan must be done within this. */
  finishMs: number;
  /** Told every 15 s how far the run is (the full-size run prints it). */
  progress?: (line: string) => void;
}

export interface ReplicasReport {
  kills: number;
  requests: number;
  /** Slack requests a killed replica did not answer, sent again to another. */
  resent: number;
  /** Actions a replica acknowledged and lost with its life, done again by the person. */
  redone: number;
  problems: string[];
}

export async function runReplicasTest(options: ReplicasOptions): Promise<ReplicasReport> {
  const cluster = await Cluster.start({ replicas: options.replicas });
  try {
    const random = mulberry32(options.seed);
    let driving = true;
    let kills = 0;
    const more = { reserve: makePlan(options.requests * 10), wanted: () => kills < options.kills };
    const drive = drivePlan(cluster, makePlan(options.requests), Date.now() + options.finishMs, more).finally(
      () => (driving = false),
    );
    const started = Date.now();
    const report = async () => {
      const requests = await cluster.store.list();
      const completed = requests.filter((r) => r.status.state === 'completed').length;
      const waiting = (await cluster.store.pendingNotices()).length;
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      options.progress?.(
        `${seconds} s: ${kills} kills, ${completed}/${requests.length} requests completed, ${waiting} notices waiting`,
      );
    };
    const reporting = options.progress ? setInterval(() => void report().catch(() => undefined), 15_000) : undefined;
    while (kills < options.kills) {
      await Promise.race([drive, sleep(options.killEveryMs * (0.5 + random()))]);
      if (!driving) break;
      const up = cluster.replicas.filter((r) => r.up);
      const victim = up[Math.floor(random() * up.length)]!;
      await cluster.kill(victim);
      kills++;
      await cluster.restart(victim);
    }
    const driven = await drive.finally(() => clearInterval(reporting));
    const { plan } = driven;
    const problems = [...driven.problems];
    if (kills < options.kills) problems.push(`only ${kills} kills of the ${options.kills} asked for`);
    // The last notices (completions) go out from the outbox; a dead holder's lease must lapse first.
    const drained = await waitUntil(async () => (await cluster.store.pendingNotices()).length === 0, 180_000);
    if (!drained) problems.push('notices were still waiting in the outbox 180 s after the plan ended');
    await cluster.stopAll();
    // With DATABASE_URL the store is the database: `iam-bot start` must not create or write its --data directory.
    for (const dir of cluster.dataDirsWritten())
      problems.push(`a replica wrote the embedded data directory ${dir} though DATABASE_URL was set`);
    const requests = await cluster.store.list();
    const audit: { requestId?: string | null; event: string }[] = [];
    for await (const entry of cluster.store.auditLog.read()) audit.push(entry);
    problems.push(...checkOutcome(cluster.world, plan, requests, audit));
    // Two requests of one plan item: from one form (the bot's one-form-one-request failed) or from two (the
    // person filled the form in again while the first had made its request).
    const byReason = new Map<string, typeof requests>();
    for (const r of requests) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r]);
    for (const [reason, twins] of byReason)
      if (twins.length > 1)
        problems.push(
          `${reason} made ${twins.map((r) => `${r.ref} (${r.status.state}, form ${r.submissionKey ?? 'none'})`).join(' and ')}`,
        );
    const verify = await cluster.cli(['audit', 'verify']);
    if (verify.code !== 0)
      problems.push(`iam-bot audit verify on the database failed (${verify.code}): ${verify.output}`);
    const places = await cluster.logs();
    places.set('the database (pg_dump)', cluster.dump());
    problems.push(...secretsIn(places, [...secretsOf(cluster.world), ...cluster.credentials]));
    return { kills, requests: plan.length, resent: driven.resent, redone: driven.redone, problems };
  } finally {
    await cluster.close();
  }
}

async function waitUntil(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(250);
  }
  return false;
}
