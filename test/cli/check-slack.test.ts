/**
 * `iam-bot check` with a bot token: can the bot post in the audit channel and every approval channel (issue 10,
 * Build 5)? Does every Slack user and user group the policy names exist (issue 13 item 1)?
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../src/sandbox/world.ts';
import { DEFAULT_BOT_SCOPES } from '../../src/simulators/slack/web-api/registry.ts';
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

const check = () =>
  cli(['check', '--config', file], {
    ...world.env,
    SLACK_BOT_TOKEN: world.slack.botToken,
    SLACK_API_URL: world.slack.apiUrl,
  });

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
    expect(result.stdout).toMatch(
      /FAIL C0AUDIT +audit channel: the bot is not in #iam-audit, so it cannot post there: invite the bot: type `\/invite @iam-bot` in that channel/,
    );
    expect(result.stdout).toMatch(
      /FAIL C0APPROVE +approvals of jcs-devs: no such channel for the bot: it does not exist, or it is private and the bot was not invited/,
    );
    expect(result.code).toBe(1);
  });

  it('names a scope the token lacks (an app installed from an earlier manifest) and what it is for, and fails', async () => {
    world.slack.workspace.addChannel('C0APPROVE', 'iam-approvals', { botMember: true });
    expect((await check()).stdout).toMatch(/ok +scopes +every scope manifest.yml asks for/);
    world.slack.reinstall(DEFAULT_BOT_SCOPES.filter((scope) => scope !== 'im:history'));
    const result = await check();
    expect(result.stdout).toMatch(
      /FAIL scopes +the app lacks im:history \(finding a DM sent just before a crash instead of sending it twice\): reinstall it from manifest.yml/,
    );
    expect(result.code).toBe(1);
  });

  it('reports an archived channel and a rejected token', async () => {
    world.slack.workspace.addChannel('C0APPROVE', 'iam-approvals', { botMember: true, archived: true });
    const archived = await check();
    expect(archived.stdout).toMatch(/FAIL C0APPROVE +approvals of jcs-devs: #iam-approvals is archived/);
    expect(archived.code).toBe(1);
    const badToken = await cli(['check', '--config', file], {
      ...world.env,
      SLACK_BOT_TOKEN: 'xoxb-not-a-real-token',
      SLACK_API_URL: world.slack.apiUrl,
    });
    expect(badToken.stdout).toMatch(/FAIL token +invalid_auth: check SLACK_BOT_TOKEN/);
    expect(badToken.stdout + badToken.stderr).not.toContain('xoxb-not-a-real-token');
    expect(badToken.code).toBe(1);
  });
});

describe('iam-bot check with SLACK_BOT_TOKEN: every Slack id the policy names exists', () => {
  /** The 1-based line of the first line of `text` containing `needle`, and the column where it starts. */
  const at = (text: string, needle: string, from = 0) => {
    const lines = text.split('\n');
    const line = lines.findIndex((l, i) => i >= from && l.includes(needle));
    return `${line + 1}:${(lines[line] ?? '').indexOf(needle) + 1}`;
  };

  it('says all is found when it is', async () => {
    world.slack.workspace.addChannel('C0APPROVE', 'iam-approvals', { botMember: true });
    const result = await check();
    expect(result.stdout).toMatch(/ok +users +5 named in the policy, all found/);
    expect(result.stdout).toMatch(/ok +user groups +1 named in the policy, all found/);
    expect(result.code).toBe(0);
    // Each person once, and one list for every user group; nothing written.
    const calls = world.slack.calls.map((c) => c.method);
    expect(calls.filter((m) => m === 'users.info')).toHaveLength(5);
    expect(calls.filter((m) => m === 'usergroups.list')).toHaveLength(1);
  });

  it('fails on a user or user group Slack does not know, and warns on a deactivated user or disabled group, each at file:line:col', async () => {
    world.slack.workspace.addChannel('C0APPROVE', 'iam-approvals', { botMember: true });
    world.slack.workspace.deactivateUser('U0DAVE');
    world.slack.workspace.addUsergroup('S0OLD', ['U0CAROL']);
    world.slack.workspace.disableUsergroup('S0OLD');
    const text = (await readFile(file, 'utf8')).replace(
      '    users: [U0ERIN]\n',
      '    users: [U0ERIN, U0GHOST]\n  retired:\n    usergroups: [S0NOSUCH, S0OLD]\n',
    );
    await writeFile(file, text);
    const result = await check();
    expect(result.stdout).toContain(
      `FAIL U0GHOST        ${file}:${at(text, 'U0GHOST')}: approvers.admins.users[1]: no Slack user U0GHOST in this workspace (user_not_found)`,
    );
    expect(result.stdout).toContain(
      `FAIL S0NOSUCH       ${file}:${at(text, 'S0NOSUCH')}: approvers.retired.usergroups[0]: no Slack user group S0NOSUCH in this workspace`,
    );
    expect(result.stdout).toContain(
      `warn S0OLD          ${file}:${at(text, 'S0OLD')}: approvers.retired.usergroups[1]: Slack user group S0OLD (@s0old) is disabled`,
    );
    // Dave is named twice in the directory: as Carol's manager, and as a key.
    expect(result.stdout).toContain(
      `warn U0DAVE         ${file}:${at(text, 'U0DAVE')}: directory.managers.U0CAROL: Slack user U0DAVE (@dave) is deactivated`,
    );
    expect(result.stdout).toContain(
      `warn U0DAVE         ${file}:${at(text, 'U0DAVE:')}: directory.managers.U0DAVE: Slack user U0DAVE (@dave) is deactivated`,
    );
    expect(result.code).toBe(1);
  });

  it('points at where the policy names a channel the bot cannot use', async () => {
    const result = await check();
    const text = await readFile(file, 'utf8');
    expect(result.stdout).toMatch(
      new RegExp(
        `FAIL C0APPROVE +approvals of jcs-devs: no such channel[^\\n]*\\n +named at ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${at(text, 'C0APPROVE')}: catalog\\[\\d+\\]\\.channel`,
      ),
    );
    expect(result.code).toBe(1);
  });
});
