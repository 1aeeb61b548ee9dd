/**
 * A throw-away PostgreSQL for tests. With `DATABASE_URL` set, each test database is created on that
 * server and dropped after; otherwise Debian's PostgreSQL binaries run a private server in a temporary
 * directory on a free 127.0.0.1 port — as an unprivileged user when we are root, since the server refuses
 * to run as root — and it is stopped and removed after.
 *
 * Where neither is possible the PostgreSQL tests must not pass unnoticed: in CI (`CI` set) finding no
 * server is an error; elsewhere the tests are skipped with the reason printed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export interface TestPostgres {
  /** A new, empty database on the server. */
  createDatabase(): Promise<string>;
  /** `pg_dump` of a database, as plain SQL (what an operator's backup holds). */
  dump(url: string): string;
  stop(): Promise<void>;
}

const DEBIAN_ROOT = '/usr/lib/postgresql';

/** The directory holding initdb and postgres: pg_config's answer, else the newest Debian version. */
function serverBinaries(): string | undefined {
  const has = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'));
  try {
    const dir = execFileSync('pg_config', ['--bindir'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (has(dir)) return dir;
  } catch {
    // No pg_config (it comes with libpq-dev): Debian's own layout is looked at next.
  }
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_ROOT)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(DEBIAN_ROOT, v, 'bin')).find(has);
}

/**
 * Why no PostgreSQL can be had here (tests are then skipped), or undefined. In CI it throws instead:
 * CI installs PostgreSQL, so a missing server there is a broken build, not a reason to skip.
 */
export function postgresUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.DATABASE_URL || serverBinaries()) return undefined;
  const reason = `no PostgreSQL: set DATABASE_URL or install Debian's postgresql (no initdb under ${DEBIAN_ROOT}/*/bin)`;
  if (env.CI) throw new Error(`PostgreSQL tests cannot run in CI: ${reason}`);
  console.warn(`skipping the PostgreSQL tests: ${reason}`); // eslint-disable-line no-console -- the skip must be seen
  return reason;
}

export async function startPostgres(env: NodeJS.ProcessEnv = process.env): Promise<TestPostgres> {
  if (env.DATABASE_URL) return onServer(env.DATABASE_URL, 'pg_dump');
  const bin = serverBinaries();
  if (!bin) throw new Error(postgresUnavailable(env) ?? 'no PostgreSQL binaries');
  return privateServer(bin);
}

/** Test databases on a running server, each created fresh and dropped at `stop`. */
function onServer(
  adminUrl: string,
  pgDump: string,
  stopServer: () => Promise<void> = async () => undefined,
): TestPostgres {
  const created: string[] = [];
  const admin = async <T>(run: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  };
  return {
    async createDatabase() {
      const name = `iam_bot_test_${randomBytes(6).toString('hex')}`;
      await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`));
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    dump(url) {
      return execFileSync(pgDump, ['--no-owner', '--dbname', url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    },
    async stop() {
      try {
        if (created.length > 0)
          await admin(async (c) => {
            for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          });
      } finally {
        await stopServer();
      }
    },
  };
}

/** The user the server runs as: ourselves, or when we are root (as in CI) `postgres`, else `nobody`. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(
        execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
      );
      const gid = Number(
        execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
      );
      return { uid, gid };
    } catch {
      // No such user: try the next one.
    }
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function privateServer(bin: string): Promise<TestPostgres> {
  const user = serverUser();
  const dir = await mkdtemp(join(tmpdir(), 'iam-bot-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sockets');
  await mkdir(sockets);
  if (user) {
    await chown(dir, user.uid, user.gid);
    await chown(sockets, user.uid, user.gid);
  }
  // libuv drops the supplementary groups when it changes the user, so the server holds no root group either.
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  let server: ChildProcess | undefined;
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
      {
        ...as,
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const port = await freePort();
    const log: string[] = [];
    server = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        sockets,
        '-c',
        'listen_addresses=127.0.0.1',
        // A test server: losing it in a power cut costs nothing, and waiting for the disk costs every test.
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'max_connections=200',
      ],
      { ...as, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    server.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server?.once('exit', resolve));
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    await waitForServer(adminUrl, exited, () => log.join(''));
    const running = server;
    // A test process that ends without stopping it (a timed-out hook) must not leave a server behind.
    const orphaned = () => {
      running.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', orphaned);
    return onServer(adminUrl, join(bin, 'pg_dump'), async () => {
      process.off('exit', orphaned);
      // SIGINT is PostgreSQL's fast shutdown: sessions are ended, nothing is waited for.
      running.kill('SIGINT');
      await exited;
      await rm(dir, { recursive: true, force: true });
    });
  } catch (error) {
    server?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function waitForServer(url: string, exited: Promise<number | null>, log: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let attempt = 0; attempt < 300; attempt++) {
    if (gone) throw new Error(`PostgreSQL exited at start:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`PostgreSQL did not accept connections within 30 s:\n${log()}`);
}

/** One throw-away server for a describe block: started before its tests, stopped after; `server()` reads it. */
export function useTestPostgres(): { server(): TestPostgres } {
  let server: TestPostgres | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  return {
    server: () => {
      if (!server) throw new Error('the test PostgreSQL is not started yet: use it inside a test');
      return server;
    },
  };
}
