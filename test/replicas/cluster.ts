/**
 * Several `iam-bot start` processes (the built CLI, as production runs it) sharing one PostgreSQL, each in
 * HTTP mode on its own port, against the simulated world: Slack and the four providers. Any replica can be
 * SIGKILLed and started again on the same port; its log is kept (every life's) to be searched at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startWorld, type World } from '../../src/sandbox/world.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { seedWorld, sleep } from '../crash/outcome.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';

const BIN = join(import.meta.dirname, '../../bin/iam-bot.js');
export const SIGNING_SECRET = 'replicas-signing-secret-0123456789';

export interface Replica {
  index: number;
  port: number;
  /** Counts the starts: a request answered in one life and lost when it ended is told by this. */
  life: number;
  up: boolean;
  child?: ChildProcess;
  exited?: Promise<void>;
}

export class Cluster {
  readonly replicas: Replica[];
  readonly #logs: WriteStream[];
  #store: PostgresStore | undefined;

  private constructor(
    readonly world: World,
    readonly postgres: TestPostgres,
    readonly databaseUrl: string,
    readonly dir: string,
    private readonly env: Record<string, string>,
    ports: number[],
  ) {
    this.replicas = ports.map((port, index) => ({ index, port, life: 0, up: false }));
    this.#logs = ports.map((_, i) => createWriteStream(this.logFile(i), { flags: 'a' }));
  }

  static async start(options: { replicas: number }): Promise<Cluster> {
    // Slack's rate limits off: hundreds of notices would otherwise wait real seconds; replicas are the subject.
    const world = await startWorld({ slackRateLimits: false });
    seedWorld(world);
    const postgres = await startPostgres();
    const databaseUrl = await postgres.createDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'iam-bot-replicas-'));
    const policyFile = join(dir, 'policy.yml');
    await writeFile(
      policyFile,
      world.policy.replace(
        'requests:\n  ttl: 1d',
        'requests:\n  ttl: 1d\n  rateLimit: { submissions: 10000, per: 1m }',
      ),
    );
    const env = {
      ...world.env,
      SLACK_BOT_TOKEN: world.slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: world.slack.apiUrl,
      DATABASE_URL: databaseUrl,
      IAM_BOT_SEALING_KEY: randomBytes(32).toString('base64'),
      IAM_BOT_POLICY: policyFile,
      LOG_LEVEL: process.env.REPLICAS_LOG_LEVEL ?? 'info',
    };
    const ports: number[] = [];
    for (let i = 0; i < options.replicas; i++) ports.push(await freePort());
    const cluster = new Cluster(world, postgres, databaseUrl, dir, env, ports);
    // The test reads the database once the first replica has migrated it.
    await cluster.#startReplica(cluster.replicas[0]!);
    cluster.#store = await PostgresStore.open({ url: databaseUrl, poolSize: 3 });
    await Promise.all(cluster.replicas.slice(1).map((r) => cluster.#startReplica(r)));
    return cluster;
  }

  /** The test's own view of the database: what the people see of their requests is read here. */
  get store(): PostgresStore {
    if (!this.#store) throw new Error('the cluster is not started');
    return this.#store;
  }

  /** What IAM_BOT_SEALING_KEY holds: the end checks look for it where it must not be. */
  get sealingKey(): string {
    return this.env.IAM_BOT_SEALING_KEY ?? '';
  }

  /** Every value the processes were given that must stay secret: provider credentials, Slack's, the sealing key. */
  get credentials(): string[] {
    const { CLOUDFLARE_API_TOKEN, SCW_SECRET_KEY, OSC_SECRET_KEY, JCS_SECRET_KEY } = this.env;
    return [CLOUDFLARE_API_TOKEN, SCW_SECRET_KEY, OSC_SECRET_KEY, JCS_SECRET_KEY, SIGNING_SECRET, this.sealingKey]
      .concat(this.world.slack.botToken)
      .filter((s): s is string => typeof s === 'string' && s.length >= 8);
  }

  logFile(index: number): string {
    return join(this.dir, `replica-${index}.log`);
  }

  async logs(): Promise<Map<string, string>> {
    const texts = new Map<string, string>();
    for (const r of this.replicas) texts.set(`replica-${r.index}.log`, await readFile(this.logFile(r.index), 'utf8'));
    return texts;
  }

  /** The embedded data directories (`--data`) the replicas were given and wrote, though DATABASE_URL was set: none should be. */
  dataDirsWritten(): string[] {
    return this.replicas.map((r) => this.dataDir(r.index)).filter((dir) => existsSync(dir));
  }

  dataDir(index: number): string {
    return join(this.dir, `data-${index}`);
  }

  url(replica: Replica): string {
    return `http://127.0.0.1:${replica.port}/slack/events`;
  }

  async #startReplica(replica: Replica): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'start', '--data', this.dataDir(replica.index)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', ...this.env, PORT: String(replica.port) },
    });
    replica.child = child;
    replica.life++;
    replica.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const log = this.#logs[replica.index]!;
    log.write(`--- life ${replica.life}\n`);
    child.stderr?.on('data', (d: Buffer) => log.write(d));
    const running = await new Promise<boolean>((resolve) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        log.write(`${line}\n`);
        if (line.startsWith('iam-bot is running')) resolve(true);
      });
      void replica.exited?.then(() => resolve(false));
    });
    if (!running)
      throw new Error(
        `replica ${replica.index} failed to start:\n${(await readFile(this.logFile(replica.index), 'utf8')).slice(-4000)}`,
      );
    replica.up = true;
  }

  /** SIGKILL: no grace, no goodbye; whatever it was doing stops mid-way. */
  async kill(replica: Replica): Promise<void> {
    replica.up = false;
    replica.child?.kill('SIGKILL');
    await replica.exited;
  }

  /** Starts a killed replica again on its port. */
  restart(replica: Replica): Promise<void> {
    return this.#startReplica(replica);
  }

  /** Stops every replica with SIGTERM, as a rolling deploy would, and waits for them to exit. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.replicas.map(async (r) => {
        if (!r.up) return;
        r.up = false;
        r.child?.kill('SIGTERM');
        await Promise.race([r.exited, sleep(30_000)]);
        r.child?.kill('SIGKILL');
        await r.exited;
      }),
    );
  }

  /** `pg_dump` of the bot's database, as an operator's backup holds it. */
  dump(): string {
    return this.postgres.dump(this.databaseUrl);
  }

  /** Runs the CLI (as an operator would, beside the replicas) with the replicas' environment. */
  async cli(args: string[]): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', ...this.env },
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { code, output };
  }

  async close(): Promise<void> {
    for (const r of this.replicas) if (r.child && r.child.exitCode === null) await this.kill(r);
    await this.#store?.close();
    for (const log of this.#logs) log.end();
    await this.world.close();
    await this.postgres.stop();
    // REPLICAS_KEEP_LOGS=DIR keeps the replicas' logs (every life's) there, to look into a failed run.
    const keep = process.env.REPLICAS_KEEP_LOGS;
    if (keep) {
      await mkdir(keep, { recursive: true });
      for (const r of this.replicas) await cp(this.logFile(r.index), join(keep, `replica-${r.index}.log`));
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
