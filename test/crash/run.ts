/**
 * The crash test: the bot process runs the plan against the provider simulators and is killed with
 * SIGKILL at random moments, then restarted on the same data, again and again; the last life runs to the
 * end. Then everything is checked against what the plan should have produced without any crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { dataFiles } from '../../src/app.ts';
import { verifyAuditLog } from '../../src/audit/index.ts';
import { startWorld, type World } from '../../src/sandbox/world.ts';
import { readSnapshot } from '../../src/store/snapshot.ts';
import { checkOutcome, mulberry32, secretsIn, secretsOf, seedWorld, sleep } from './outcome.ts';
import { makePlan, type PlanItem } from './plan.ts';

export interface CrashOptions {
  requests: number;
  kills: number;
  /** Seeds the kill timing, so a failing run can be replayed. */
  seed: number;
  /** Longest time a killed life runs after it is ready. */
  maxLifeMs?: number;
  /** The last, unkilled life must finish within this. */
  finishMs?: number;
  /**
   * Put the data directory on a small file system of its own and fill it up once, in the middle of a
   * life, long enough for the bot to hit ENOSPC and for one life to start on the full disk; then free it.
   * Needs a private mount namespace (root, as in CI).
   */
  diskFull?: boolean;
}

export interface CrashReport {
  kills: number;
  /** Kills the moment a rotation's retire step was recorded, before or while the old keys are retired. */
  retireKills: number;
  requests: number;
  /** With `diskFull`: lives that ran or started while the disk was full, and the refusals they met. */
  fullDisk?: { lives: number; refusals: number; startOnFullDisk?: 'refused' | 'ran' };
  problems: string[];
}

const WORKER = join(import.meta.dirname, 'worker.ts');

export async function runCrashTest(options: CrashOptions): Promise<CrashReport> {
  // Slack's rate limits off: hundreds of notices would otherwise wait real seconds; the crash is the subject here.
  const world = await startWorld({ slackRateLimits: false });
  const dir = await mkdtemp(join(tmpdir(), 'iam-bot-crash-'));
  const volume = options.diskFull ? await SmallVolume.mount(join(dir, 'volume')) : undefined;
  try {
    seedWorld(world);
    const plan = makePlan(options.requests);
    const policyFile = join(dir, 'policy.yml');
    await writeFile(
      policyFile,
      world.policy.replace(
        'requests:\n  ttl: 1d',
        'requests:\n  ttl: 1d\n  rateLimit: { submissions: 10000, per: 1m }',
      ),
    );
    const planFile = join(dir, 'plan.json');
    await writeFile(planFile, JSON.stringify(plan));
    const dataDir = volume ? join(volume.path, 'data') : join(dir, 'data');
    const random = mulberry32(options.seed);
    const env = { ...world.env, SLACK_BOT_TOKEN: world.slack.botToken, SLACK_API_URL: world.slack.apiUrl };
    let kills = 0;
    let retireKills = 0;
    const fullDisk: NonNullable<CrashReport['fullDisk']> = { lives: 0, refusals: 0 };
    const problems: string[] = [];
    while (kills < options.kills) {
      // Early, while most of the plan is still ahead.
      if (volume && kills === 1 && fullDisk.lives === 0) {
        const outcome = await runOnFullDisk(volume, () => startLife(dataDir, policyFile, planFile, env), random);
        kills += outcome.kills;
        fullDisk.lives += outcome.lives;
        fullDisk.refusals += outcome.refusals;
        fullDisk.startOnFullDisk = outcome.startOnFullDisk;
        problems.push(...outcome.problems);
        continue;
      }
      const life = startLife(dataDir, policyFile, planFile, env);
      const ready = await life.ready;
      if (!ready) throw new Error(`a life of the bot failed to start:\n${life.stderr()}`);
      // Every other life dies the moment a rotation starts retiring the old keys (or after 30 s without one:
      // every change is read back from the provider, so on a loaded machine a life may need more than a few
      // seconds to walk a rotation to its confirmation); the others at a random moment.
      const targeted = kills % 2 === 0;
      const lifetime = targeted ? 30_000 : 20 + Math.floor(random() * (options.maxLifeMs ?? 300));
      const atRetire = targeted
        ? life.retire.then((seen) => (seen ? ('retire' as const) : false))
        : new Promise<false>(() => undefined);
      const finished = await Promise.race([life.done, sleep(lifetime).then(() => false), atRetire]);
      if (finished === true) break; // the plan is done: nothing left to kill
      life.child.kill('SIGKILL');
      await life.exited;
      kills++;
      if (finished === 'retire') retireKills++;
    }
    const last = startLife(dataDir, policyFile, planFile, env);
    const done = await Promise.race([last.done, sleep(options.finishMs ?? 120_000).then(() => false)]);
    if (!done) {
      last.child.kill('SIGKILL');
      await last.exited;
      const stuck = (await readSnapshot(dataDir)).requests
        .filter((r) => r.status.state !== 'completed')
        .slice(0, 10)
        .map((r) => `${r.ref} ${r.reason} ${r.itemId}: ${JSON.stringify(r.status)}`);
      problems.push(`the last life did not finish the plan; not completed:\n${stuck.join('\n')}\n${last.stderr()}`);
      return { kills, retireKills, requests: plan.length, ...(volume ? { fullDisk } : {}), problems };
    }
    await last.exited;
    problems.push(...(await check(world, dataDir, plan)));
    return { kills, retireKills, requests: plan.length, ...(volume ? { fullDisk } : {}), problems };
  } finally {
    await world.close();
    volume?.unmount();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A tmpfs of its own for the data directory, in a mount namespace held open by a sleeping process; every
 * life reaches it through that process's root (/proc/<pid>/root), so nothing is mounted on the host and
 * the volume vanishes with the holder.
 */
class SmallVolume {
  private constructor(
    private readonly holder: ChildProcess,
    readonly path: string,
  ) {}

  static async mount(at: string): Promise<SmallVolume> {
    await mkdir(at, { recursive: true });
    const holder = spawn(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount -t tmpfs -o size=32m,mode=700 tmpfs "$1" && echo mounted && exec sleep 100000',
        'sh',
        at,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    holder.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const mounted = await new Promise<boolean>((resolve) => {
      createInterface({ input: holder.stdout! }).on('line', (line) => line === 'mounted' && resolve(true));
      holder.once('exit', () => resolve(false));
    });
    if (!mounted)
      throw new Error(`cannot mount a small file system for the disk-full run (needs unshare -m, as root): ${stderr}`);
    return new SmallVolume(holder, `/proc/${holder.pid}/root${at}`);
  }

  /**
   * Fills the volume to the last byte, then gives back `slack` bytes (a disk nearly full, where small
   * writes still fit and larger ones are cut short); returns the filler, whose removal frees the space.
   */
  async fill(slack = 0): Promise<string> {
    const filler = join(this.path, 'filler');
    const handle = await open(filler, 'w');
    const chunk = Buffer.alloc(1 << 20);
    try {
      for (let size = chunk.length; size >= 512;) {
        try {
          await handle.write(chunk.subarray(0, size));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          size >>= 1;
        }
      }
      if (slack > 0) await handle.truncate(Math.max(0, (await handle.stat()).size - slack));
    } finally {
      await handle.close().catch(() => undefined);
    }
    return filler;
  }

  unmount(): void {
    this.holder.kill('SIGKILL');
  }
}

/**
 * The disk fills up in the middle of a life and stays full for a while: the life meets ENOSPC in whatever it
 * is writing (an append may be cut short), then space is freed and the same life must carry on, with no
 * restart, before it is killed. Then the disk fills again and a new life starts on it: it must either refuse
 * to open, saying the disk is full, or run without losing anything. Space is freed and the run goes on.
 */
async function runOnFullDisk(
  volume: SmallVolume,
  startLife: () => Life,
  random: () => number,
): Promise<{ kills: number; lives: number; refusals: number; startOnFullDisk: 'refused' | 'ran'; problems: string[] }> {
  const problems: string[] = [];
  let refusals = 0;
  const count = (life: Life) => life.lines.filter((l) => l === 'nospace').length;
  const first = startLife();
  if (!(await first.ready)) throw new Error(`a life of the bot failed to start:\n${first.stderr()}`);
  await sleep(20 + Math.floor(random() * 200));
  // Nearly full for a while, the free space changing as other programs on the disk come and go: some
  // writes fit, some fail, some appends are cut short; the bot keeps retrying what it could not record.
  // At least 8 rounds, and on until the bot has met the full disk (a busy machine may start slowly).
  for (let round = 0; first.child.exitCode === null && (round < 8 || (count(first) === 0 && round < 150)); round++) {
    const filler = await volume.fill(Math.floor(random() * 32 * 1024));
    await Promise.race([first.exited, sleep(200)]);
    await rm(filler);
  }
  // Space is back: the same process must recover on its own (its appends were cut short, not its files).
  await Promise.race([first.exited, sleep(3_000)]);
  if (first.child.exitCode !== null && !first.lines.includes('done'))
    problems.push(
      `the life that met the full disk exited (code ${first.child.exitCode}) instead of carrying on:\n${first.stderr()}`,
    );
  first.child.kill('SIGKILL');
  await first.exited;
  refusals += count(first);
  const filler = await volume.fill();
  const second = startLife();
  // A start takes seconds on a busy machine; a minute without a word is a hang.
  const started = await Promise.race([second.ready, sleep(60_000).then(() => 'slow' as const)]);
  if (started === true) await Promise.race([second.exited, sleep(1_000)]);
  second.child.kill('SIGKILL');
  await second.exited;
  refusals += count(second);
  if (started !== true) {
    if (second.stderr().includes('the disk is full (ENOSPC)')) refusals++;
    else
      problems.push(
        `a life started on a full disk neither ran nor said the disk is full (${started === 'slow' ? 'no answer in 60 s' : `exit code ${second.child.exitCode}`}):\n${second.stderr()}${second.lines.join('\n')}`,
      );
  }
  // The operator frees space; the next lives carry on.
  await rm(filler);
  return { kills: 2, lives: 2, refusals, startOnFullDisk: started === true ? 'ran' : 'refused', problems };
}

interface Life {
  child: ChildProcess;
  /** What the life printed so far, a line each. */
  lines: string[];
  ready: Promise<boolean>;
  retire: Promise<boolean>;
  done: Promise<boolean>;
  exited: Promise<void>;
  stderr(): string;
}

function startLife(dataDir: string, policyFile: string, planFile: string, env: Record<string, string>): Life {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dataDir, policyFile, planFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const printed: string[] = [];
  lines.on('line', (line) => printed.push(line));
  const seen = (word: string) =>
    new Promise<boolean>((resolve) => {
      lines.on('line', (line) => line === word && resolve(true));
      void exited.then(() => resolve(false));
    });
  return {
    child,
    lines: printed,
    ready: seen('ready'),
    retire: seen('retire'),
    done: seen('done'),
    exited,
    stderr: () => stderr.slice(-4000),
  };
}

/** Everything the plan should have left behind, exactly once; the audit chain intact; no secret on disk. */
async function check(world: World, dataDir: string, plan: readonly PlanItem[]): Promise<string[]> {
  const { requests } = await readSnapshot(dataDir);
  const audit = (await readFile(dataFiles(dataDir).audit, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { requestId: string; event: string });
  const problems = checkOutcome(world, plan, requests, audit);
  const verified = await verifyAuditLog(dataFiles(dataDir).audit);
  if (!verified.ok) problems.push(`the audit log is broken at seq ${verified.seq}: ${verified.problem}`);
  const files = new Map<string, string>();
  for (const file of await readdir(dataDir)) files.set(file, await readFile(join(dataDir, file), 'utf8'));
  problems.push(...secretsIn(files, secretsOf(world)));
  return problems;
}
