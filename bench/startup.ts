/**
 * Start-up from the packed package, as an operator installs it: `npm run build`, `npm pack`, the tarball
 * unpacked in an empty temporary directory and installed with the lock's production dependencies
 * (`npm ci --omit=dev`, offline: from npm's cache). Then, timed from the process's spawn:
 * - `iam-bot --help` to its exit (goal ≤ 0.3 s), beside a bare `node -e 0` on the same machine;
 * - `iam-bot start` (HTTP mode, a policy pointing at the simulators, an empty data directory) to its first
 *   200 from /readyz (store writable, Slack's auth.test answered);
 * - `iam-bot sandbox` to its page answering.
 *   npm run bench:startup [-- --runs 10] [--skip-build]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { startWorld } from '../src/sandbox/world.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, 'skip-build': { type: 'boolean', default: false } },
});
const RUNS = Number(values.runs);
const root = join(import.meta.dirname, '..');

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return `p50 ${(at(0.5) / 1000).toFixed(3)} s  min ${(sorted[0]! / 1000).toFixed(3)} s  max ${(sorted.at(-1)! / 1000).toFixed(3)} s`;
}

function timeExit(args: string[], cwd: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return performance.now() - started;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Spawns a long-running command and answers the milliseconds until `url` answers 200; then stops it. */
async function timeUntilServing(args: string[], cwd: string, env: NodeJS.ProcessEnv, url: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`))),
  );
  try {
    for (;;) {
      const answer = await Promise.race([
        request(url).then(
          async (r) => (await r.body.text(), r.statusCode),
          () => 0,
        ),
        exited,
      ]);
      if (answer === 200) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    exited.catch(() => undefined);
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  }
}

const dir = await mkdtemp(join(tmpdir(), 'iam-bot-startup-'));
const world = await startWorld();
try {
  if (!values['skip-build']) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
  const installed = join(dir, 'package');
  await copyFile(join(root, 'package-lock.json'), join(installed, 'package-lock.json'));
  execFileSync('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--silent'], {
    cwd: installed,
    stdio: 'ignore',
  });
  const bin = join(installed, 'bin/iam-bot.js');
  console.log(`installed ${tarball} in ${installed}; ${RUNS} runs each`);

  const bare: number[] = [];
  const help: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(timeExit(['-e', '0'], dir));
    help.push(timeExit([bin, '--help'], dir));
  }
  console.log(`node -e 0           ${stats(bare)}  (this machine's floor)`);
  const helpP50 = [...help].sort((a, b) => a - b)[Math.floor(help.length / 2)]!;
  console.log(`iam-bot --help      ${stats(help)}  (goal ≤ 0.300 s: ${helpP50 <= 300 ? 'met' : 'NOT met'})`);

  const policy = join(dir, 'policy.yml');
  await writeFile(policy, world.policy);
  const ready: number[] = [];
  const sandbox: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH,
      ...world.env,
      SLACK_BOT_TOKEN: world.slack.botToken,
      SLACK_SIGNING_SECRET: 'startup-bench-signing-secret',
      SLACK_API_URL: world.slack.apiUrl,
      PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    const data = join(dir, `data-${i}`);
    ready.push(
      await timeUntilServing(
        [bin, 'start', '--config', policy, '--data', data],
        dir,
        env,
        `http://127.0.0.1:${port}/readyz`,
      ),
    );
    const page = await freePort();
    sandbox.push(
      await timeUntilServing(
        [bin, 'sandbox', '--port', String(page)],
        dir,
        { PATH: process.env.PATH },
        `http://127.0.0.1:${page}/`,
      ),
    );
  }
  console.log(`iam-bot start       ${stats(ready)}  to /readyz 200 (HTTP mode, simulators, empty data directory)`);
  console.log(`iam-bot sandbox     ${stats(sandbox)}  to its page answering`);
} finally {
  await world.close();
  await rm(dir, { recursive: true, force: true });
}
