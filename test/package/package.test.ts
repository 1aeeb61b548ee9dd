/**
 * The compiled package, as an operator gets it: `npm pack`, installed in an empty directory, runs from dist/
 * with no TypeScript loader, and `start` never loads a simulator.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/** Every module a compiled file can load, following relative static and dynamic imports. */
function moduleGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      pending.push(resolve(dirname(file), match[1]!));
    }
  }
  return seen;
}

describe('the compiled package', () => {
  let dir: string;
  let installed: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'iam-bot-pack-'));
    // dist/ is current (test/support/build-dist.ts); --ignore-scripts skips prepack's second build.
    const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
    installed = join(dir, 'package');
    // Installed as the Dockerfile does: the pinned lock, production dependencies only. Offline: tests never
    // reach the internet, and `npm ci` has put every pinned tarball in npm's cache.
    await copyFile(join(root, 'package-lock.json'), join(installed, 'package-lock.json'));
    execFileSync('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--silent'], {
      cwd: installed,
      stdio: 'ignore',
    });
  }, 180_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('installs from its tarball with production dependencies only and runs --help, check and start from dist/ without a TypeScript loader', async () => {
    const bin = join(installed, 'bin/iam-bot.js');
    const help = spawnSync(process.execPath, [bin, '--help'], { cwd: dir, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: iam-bot <command>');

    const check = spawnSync(
      process.execPath,
      [bin, 'check', '--offline', '--config', join(installed, 'examples/policy.yml')],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      },
    );
    expect(check.stderr).not.toContain('node_modules/tsx');
    expect(check.status, check.stderr).not.toBe(null);

    // start without Slack settings names what is missing and exits non-zero: it never falls back to anything else.
    const start = spawnSync(
      process.execPath,
      [bin, 'start', '--config', join(installed, 'examples/policy.yml'), '--data', join(dir, 'data')],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
        timeout: 30_000,
      },
    );
    expect(start.status).toBe(1);
    expect(start.stderr).toContain('SLACK_BOT_TOKEN');

    for (const dev of ['tsx', 'esbuild', 'typescript', 'vitest']) {
      expect(
        spawnSync(process.execPath, ['-e', `require.resolve(${JSON.stringify(dev)})`], { cwd: installed }).status,
        `${dev} installed`,
      ).not.toBe(0);
    }
  }, 120_000); // seven processes run one after another: well over the 20 s default on a busy machine

  it('start loads no simulator and no sandbox code', () => {
    const graph = [...moduleGraph(join(installed, 'dist/cli/start.js'))].map((file) => file.slice(installed.length));
    expect(graph.length).toBeGreaterThan(20);
    expect(graph.filter((file) => file.includes('/simulators/') || file.includes('/sandbox/'))).toEqual([]);
  });
});
