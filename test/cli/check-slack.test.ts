/** `iam-bot check` with a bot token: can the bot post in the audit channel and every approval channel (issue 10, Build 5)? */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../src/sandbox/world.ts';
import { cli } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';

let world: World;
let dir: Awaited<ReturnType<typeof tempDir>>;
let file: string;

beforeEach(async () => {
  world = await startWorld();
  dir = await tempDir();
  file = join(dir.path, 'policy.yml');
  // jcs-devs asks for approval in a channel of its own.
  await writeFile(file, world.policy.replace('    group: devs\n', '    group: devs\n    channel: C0APPROVE\n'));
});
afterEach(async () => {
  await world.close();
  await dir.remove();
});

const check = () => cli(['check', '--config', file], { ...world.env, SLACK_BOT_TOKEN: world.slack.botToken, SLACK_API_URL: world.slack.apiUrl });

describe('iam-bot check with SLACK_BOT_TOKEN', () => {
  it('passes when the bot is in the audit channel and every approval channel', async () => {
    world.slack.workspace.addChannel('C0APPROVE', 'iam-approvals', { botMember: true });
    const result = await check();
    expect(result.stdout).toMatch(/ok +token +the bot @/);
    expect(result.stdout).toMatch(/ok +C0AUDIT +audit channel: #iam-audit, the bot can post there/);
    expect(result.stdout).toMatch(/ok +C0APPROVE +approvals of jcs-devs: #iam-approvals/);
    expect(result.code).toBe(0);
  });

  it('says to invite the bot into a channel it is not in, and fails', async () => {
    world.slack.workspace.removeBot('C0AUDIT');
    world.slack.workspace.addChannel('C0APPROVE', 'iam-approvals', { private: true });
    const result = await check();
    expect(result.stdout).toMatch(/FAIL C0AUDIT +audit channel: the bot is not in #iam-audit, so it cannot post there: invite the bot: type `\/invite @iam-bot` in that channel/);
    expect(result.stdout).toMatch(/FAIL C0APPROVE +approvals of jcs-devs: no such channel for the bot: it does not exist, or it is private and the bot was not invited/);
    expect(result.code).toBe(1);
  });

  it('reports an archived channel and a rejected token', async () => {
    world.slack.workspace.addChannel('C0APPROVE', 'iam-approvals', { botMember: true, archived: true });
    const archived = await check();
    expect(archived.stdout).toMatch(/FAIL C0APPROVE +approvals of jcs-devs: #iam-approvals is archived/);
    expect(archived.code).toBe(1);
    const badToken = await cli(['check', '--config', file], { ...world.env, SLACK_BOT_TOKEN: 'xoxb-not-a-real-token', SLACK_API_URL: world.slack.apiUrl });
    expect(badToken.stdout).toMatch(/FAIL token +invalid_auth: check SLACK_BOT_TOKEN/);
    expect(badToken.stdout + badToken.stderr).not.toContain('xoxb-not-a-real-token');
    expect(badToken.code).toBe(1);
  });
});
