import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { npmStart } from '../../src/cli/npm-start.ts';
import { tempDir } from '../support/fixtures.ts';
import { cli } from '../support/cli.ts';
import { exampleEnv, examplePolicy, repoRoot } from '../support/example-policy.ts';

const root = repoRoot;

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

describe('iam-bot start never runs the sandbox', () => {
  it('with a policy from IAM_BOT_POLICY and no Slack setting, it exits 1 naming SLACK_BOT_TOKEN', async () => {
    const result = await cli(['start', '--data', join(dir.path, 'data')], {
      ...exampleEnv,
      IAM_BOT_POLICY: examplePolicy,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN is not set');
    expect(result.stdout).not.toContain('sandbox');
  });

  it('with no setting at all, it exits 1 listing what is missing', async () => {
    const result = await cli(['start', '--data', join(dir.path, 'data')], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN is not set');
    expect(result.stderr).toContain('policy.yml does not exist');
  });

  it('names a misspelled Slack variable and the one it was meant to be', async () => {
    const env = {
      ...exampleEnv,
      IAM_BOT_POLICY: examplePolicy,
      SLACK_BOT_TOKN: 'xoxb-1-2-3',
      SLACK_SIGNING_SECRET: 'secret',
    };
    const result = await cli(['start', '--data', join(dir.path, 'data')], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SLACK_BOT_TOKN is set, but iam-bot reads SLACK_BOT_TOKEN: rename it.');
    // HOST is two keystrokes from PORT but is nobody's typo.
    const host = await cli(['start', '--data', join(dir.path, 'data')], { ...env, HOST: 'example' });
    expect(host.stderr).not.toContain('HOST');
  });
});

function captureIo(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (t: string) => out.push(t),
    err: (t: string) => err.push(t),
    stdout: new Writable({ write: (_c, _e, cb) => cb() }),
    env,
  };
  return { io, out, err };
}

describe('npm start', () => {
  it('is iam-bot start as soon as a policy or any Slack setting is configured', async () => {
    const withPolicy = captureIo({
      ...exampleEnv,
      IAM_BOT_POLICY: examplePolicy,
      IAM_BOT_DATA_DIR: join(dir.path, 'data'),
    });
    expect(await npmStart([], withPolicy.io)).toBe(1);
    expect(withPolicy.err.join('\n')).toContain('SLACK_BOT_TOKEN is not set');
    const withSlack = captureIo({ SLACK_APP_TOKEN: 'xapp-1', IAM_BOT_DATA_DIR: join(dir.path, 'data') });
    expect(await npmStart([], withSlack.io)).toBe(1);
    expect(withSlack.err.join('\n')).toContain('SLACK_BOT_TOKEN is not set');
    expect([...withPolicy.out, ...withSlack.out].join('\n')).not.toContain('sandbox');
  });

  it('runs the sandbox, on 127.0.0.1, when nothing is configured', async () => {
    const child = spawn(process.execPath, [join(root, 'bin/npm-start.js')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    try {
      while (!lines.some((l) => l.startsWith('iam-bot sandbox: open'))) {
        if (child.exitCode !== null) throw new Error(`npm start exited early: ${lines.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(lines[0]).toContain('Nothing is configured');
      const url = lines
        .find((l) => l.startsWith('iam-bot sandbox: open'))!
        .split(' ')
        .at(-1)!;
      const page = await fetch(url.replace('localhost', '127.0.0.1'));
      expect(page.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 30_000);
});

it('a policy file in the working directory counts as configured', async () => {
  await writeFile(join(dir.path, 'policy.yml'), 'not: a policy\n');
  const cwd = process.cwd();
  process.chdir(dir.path);
  try {
    const { io, err } = captureIo({});
    expect(await npmStart([], io)).toBe(1);
    expect(err.join('\n')).toContain('SLACK_BOT_TOKEN is not set');
  } finally {
    process.chdir(cwd);
  }
});
