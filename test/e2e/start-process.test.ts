import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
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
  it('serves Slack over HTTP, reloads its policy on SIGHUP (refusing a broken one), then stops cleanly on SIGTERM leaving the data directory reusable', async () => {
    world = await startWorld();
    dir = await tempDir();
    const policy = join(dir.path, 'policy.yml');
    await writeFile(policy, world.policy);
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, '../../bin/iam-bot.js'),
        'start',
        '--config',
        policy,
        '--data',
        join(dir.path, 'data'),
      ],
      {
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
      },
    );
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    while (!lines.some((l) => l.includes('iam-bot is running'))) {
      if (child.exitCode !== null) throw new Error(`start exited early: ${lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lines.join('\n')).toContain(`HTTP mode on port ${port}`);
    const client = world.slack.client({
      mode: 'http',
      url: `http://127.0.0.1:${port}/slack/events`,
      signingSecret: 'process-signing-secret',
    });
    const answer = await client.slashCommand({ user: PEOPLE.alice.id, text: 'help' });
    expect(answer.status).toBe(200);

    // SIGHUP: a broken policy file is refused and the running one stays in force; a good one is put in force,
    // and each policy in force is in the audit log by its hash.
    const auditLog = join(dir.path, 'data', 'audit.jsonl');
    const loaded = async () =>
      (await readFile(auditLog, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { event: string; details: { sha256?: string } })
        .filter((entry) => entry.event === 'policy.loaded')
        .map((entry) => entry.details.sha256);
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(await loaded()).toEqual([sha(world.policy)]);
    await writeFile(policy, `${world.policy}\nnot: [valid`);
    child.kill('SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await client.slashCommand({ user: PEOPLE.alice.id, text: 'help' })).status).toBe(200);
    const edited = `${world.policy}\n# reviewed 2026-12-02\n`;
    await writeFile(policy, edited);
    child.kill('SIGHUP');
    while ((await loaded()).length < 2) {
      if (child.exitCode !== null) throw new Error(`start exited on SIGHUP: ${lines.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await loaded()).toEqual([sha(world.policy), sha(edited)]);
    // The reloaded bot serves on the same port.
    let again = await client.slashCommand({ user: PEOPLE.alice.id, text: 'help' }).catch(() => undefined);
    while (again?.status !== 200) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await client.slashCommand({ user: PEOPLE.alice.id, text: 'help' }).catch(() => undefined);
    }

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.at(-1)).toBe('iam-bot stopped.');
    expect(await readdir(join(dir.path, 'data'))).not.toContain('iam-bot.pid');
  });
});
