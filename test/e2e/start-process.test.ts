import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, startWorld, type World } from '../../src/sandbox/world.ts';
import { tempDir } from '../support/fixtures.ts';

let world: World | undefined;
let dir: { path: string; remove(): Promise<void> } | undefined;
afterEach(async () => {
  await world?.close();
  await dir?.remove();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('iam-bot start, as a process', () => {
  it('serves Slack over HTTP, then stops cleanly on SIGTERM leaving the data directory reusable', async () => {
    world = await startWorld();
    dir = await tempDir();
    const policy = join(dir.path, 'policy.yml');
    await writeFile(policy, world.policy);
    const port = await freePort();
    const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/iam-bot.js'), 'start', '--config', policy, '--data', join(dir.path, 'data')], {
      env: {
        PATH: process.env.PATH ?? '',
        ...world.env,
        SLACK_BOT_TOKEN: world.slack.botToken,
        SLACK_SIGNING_SECRET: 'process-signing-secret',
        SLACK_API_URL: world.slack.apiUrl,
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    while (!lines.some((l) => l.includes('iam-bot is running'))) {
      if (child.exitCode !== null) throw new Error(`start exited early: ${lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lines.join('\n')).toContain(`HTTP mode on port ${port}`);
    const client = world.slack.client({ mode: 'http', url: `http://127.0.0.1:${port}/slack/events`, signingSecret: 'process-signing-secret' });
    const answer = await client.slashCommand({ user: PEOPLE.alice.id, text: 'help' });
    expect(answer.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.at(-1)).toBe('iam-bot stopped.');
    expect(await readdir(join(dir.path, 'data'))).not.toContain('iam-bot.pid');
  });
});
