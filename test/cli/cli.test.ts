import { spawnSync } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFiles } from '../../src/app.ts';
import { tempDir } from '../support/fixtures.ts';
import { cli } from '../support/cli.ts';
import { world } from '../support/services.ts';
import { startWorld } from '../../src/sandbox/world.ts';
import { ProviderError } from '../../src/workflow/ports.ts';
import { exampleEnv, examplePolicy, repoRoot } from '../support/example-policy.ts';

const root = repoRoot;

let dir: { path: string; remove(): Promise<void> };
let refs: string[];

beforeAll(async () => {
  dir = await tempDir();
  const w = world(dir.path);
  const services = await w.open();
  const granted = await services.service.submit({
    requester: 'U_ALICE',
    itemId: 'cf-admins',
    reason: 'incident, "urgent"',
    duration: '2h',
  });
  await services.service.approve('U_BOB', granted.ref);
  const denied = await services.service.submit({
    requester: 'U_ALICE',
    itemId: 'cf-admins',
    reason: 'curious',
    duration: '1h',
  });
  await services.service.deny('U_CAROL', denied.ref, 'no ticket');
  w.clock.advance(60_000);
  const pending = await services.service.submit({
    requester: 'U_ALICE',
    itemId: 'cf-admins',
    reason: 'later',
    duration: '30m',
  });
  refs = [granted.ref, denied.ref, pending.ref];
  await services.close();
});
afterAll(() => dir.remove());

const data = () => ['--data', dir.path];

describe('iam-bot requests list', () => {
  it('lists every request with its state, and filters by state', async () => {
    const all = await cli(['requests', 'list', ...data()]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(new RegExp(`${refs[0]}\\tcompleted\\tgroup.add 2h\\tcf-admins\\tU_ALICE`));
    expect(all.stdout).toContain(`${refs[1]}\tdenied`);
    expect(all.stdout).toContain('3 requests');
    const denied = await cli(['requests', 'list', '--state', 'denied', '--json', ...data()]);
    expect(
      denied.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { ref: string }).ref),
    ).toEqual([refs[1]]);
  });

  it('rejects an unknown state with the list of states, exit 2', async () => {
    const result = await cli(['requests', 'list', '--state', 'done', ...data()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--state must be one of pending, approved');
  });
});

describe('iam-bot requests retry', () => {
  it('lets an admin send a failed request back, audited; the bot carries it out at its next start', async () => {
    const data = await tempDir();
    try {
      const w = world(data.path);
      const services = await w.open();
      w.provider.faults.set('addMember', new ProviderError('unavailable', 'provider down'));
      const request = await services.service.submit({
        requester: 'U_ALICE',
        itemId: 'cf-admins',
        reason: 'x',
        duration: '1h',
      });
      await services.service.approve('U_BOB', request.ref);
      await services.executor.settle();
      expect((await services.service.find(request.ref)).status.state).toBe('failed');
      const policy = join(data.path, 'admins.yml');
      await writeFile(
        policy,
        [
          'providers:',
          '  cf: { type: cloudflare, accountId: a1, token: env:CF_TOKEN }',
          'approvers:',
          '  admins: { users: [U0ADMIN] }',
          'admins: admins',
          'catalog:',
          '  - { id: cf-admins, provider: cf, kind: group.add, group: g1, approvers: [admins], permanent: true }',
        ].join('\n'),
      );
      const args = ['requests', 'retry', request.ref, '--config', policy, '--data', data.path];
      const whileRunning = await cli([...args, '--actor', 'U0ADMIN']);
      expect(whileRunning.code).toBe(1);
      expect(whileRunning.stderr).toContain(`retry from Slack: /iam retry ${request.ref}`);
      await services.close();
      const notAdmin = await cli([...args, '--actor', 'U_BOB']);
      expect(notAdmin.code).toBe(1);
      expect(notAdmin.stderr).toContain('Only an admin can retry');
      const retried = await cli([...args, '--actor', 'U0ADMIN']);
      expect(retried.code).toBe(0);
      expect(retried.stdout).toContain(`${request.ref} is approved`);
      const restarted = await w.open();
      await restarted.executor.settle();
      expect((await restarted.service.find(request.ref)).status.state).toBe('completed');
      await restarted.close();
      const audit = await readFile(dataFiles(data.path).audit, 'utf8');
      expect(audit).toMatch(/"actor":"U0ADMIN","event":"request.retried"/);
    } finally {
      await data.remove();
    }
  });
});

describe('iam-bot audit', () => {
  it('verifies an intact log', async () => {
    const result = await cli(['audit', 'verify', ...data()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/intact, 7 entries/);
  });

  it('exports JSON lines and CSV, with --since', async () => {
    const jsonl = await cli(['audit', 'export', ...data()]);
    expect(jsonl.stdout.trim().split('\n')).toHaveLength(7);
    const csv = await cli(['audit', 'export', '--format', 'csv', ...data()]);
    expect(csv.stdout.split('\n')[0]).toBe('seq,time,eventId,requestId,requestRef,actor,event,details,prevHash,hash');
    expect(csv.stdout).toContain('incident, \\""urgent\\""');
    const since = await cli([
      'audit',
      'export',
      '--since',
      new Date(Date.UTC(2026, 10, 21, 9, 0, 30)).toISOString(),
      ...data(),
    ]);
    expect(since.stdout.trim().split('\n')).toHaveLength(1);
    const bad = await cli(['audit', 'export', '--since', 'yesterday', ...data()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since expects an ISO 8601 date');
    const after = await cli(['audit', 'export', '--after-seq', '5', ...data()]);
    expect(
      after.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { seq: number }).seq),
    ).toEqual([6, 7]);
    const badSeq = await cli(['audit', 'export', '--after-seq', 'last', ...data()]);
    expect(badSeq.code).toBe(2);
    expect(badSeq.stderr).toContain('--after-seq expects a sequence number');
    const misplaced = await cli(['audit', 'verify', '--follow', ...data()]);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('--after-seq and --follow go with export');
  });

  describe('catches tampering', () => {
    let original: string;
    const file = () => dataFiles(dir.path).audit;
    beforeAll(async () => {
      original = await readFile(file(), 'utf8');
    });
    const withLines = async (edit: (lines: string[]) => string[]) => {
      const lines = original.trim().split('\n');
      await writeFile(file(), `${edit(lines).join('\n')}\n`);
      const result = await cli(['audit', 'verify', ...data()]);
      await writeFile(file(), original);
      return result;
    };

    it('an edited byte', async () => {
      const result = await withLines((lines) => lines.map((l, i) => (i === 1 ? l.replace('U_BOB', 'U_BOX') : l)));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/broken at seq 2:/);
    });

    it('a deleted line', async () => {
      const result = await withLines((lines) => lines.filter((_, i) => i !== 4));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/broken at seq [45]:/);
    });

    it('two swapped lines', async () => {
      const result = await withLines((lines) => [lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/broken at seq [23]:/);
    });

    it('a cut-off tail, against the head the store remembers', async () => {
      const result = await withLines((lines) => lines.slice(0, -2));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/broken at seq 6:/);
    });
  });
});

describe('iam-bot check', () => {
  it('accepts the example policy and prints a summary without secrets', async () => {
    const result = await cli(['check', '--offline', '--config', examplePolicy], exampleEnv);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('OK');
    for (const value of Object.values(exampleEnv)) expect(result.stdout + result.stderr).not.toContain(value);
  });

  it('without the production secrets, warns per missing variable and still passes; --require-env refuses', async () => {
    const relaxed = await cli(['check', '--config', examplePolicy], {});
    expect(relaxed.code).toBe(0);
    expect(relaxed.stderr).toMatch(
      /^warning: .*policy\.yml:\d+:\d+: providers\.cf-prod\.token: environment variable CLOUDFLARE_API_TOKEN is not set$/m,
    );
    expect(relaxed.stdout).toContain('cf-prod  cloudflare  credentials not set in this environment');
    const strict = await cli(['check', '--require-env', '--config', examplePolicy], {});
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('environment variable CLOUDFLARE_API_TOKEN is not set');
  });

  it('reaches every provider read-only and reports each one, failing on a rejected credential', async () => {
    const world = await startWorld();
    try {
      const file = join(dir.path, 'world.yml');
      await writeFile(file, world.policy);
      const good = await cli(['check', '--config', file], world.env);
      expect(good.code).toBe(0);
      for (const provider of ['cf', 'scw', 'osc', 'jcs'])
        expect(good.stdout).toMatch(new RegExp(`ok +${provider} +\\d+ ms +reachable, credentials accepted`));
      const writes = [world.cloudflare, world.scaleway, world.outscale, world.jcs]
        .flatMap((sim) => sim.server.requests)
        .filter((r) => r.method !== 'GET' && !/Action=(List|Get)/.test(r.body));
      expect(writes).toEqual([]);
      const bad = await cli(['check', '--config', file], {
        ...world.env,
        CLOUDFLARE_API_TOKEN: 'wrong-token-value-0000000000000000000000',
      });
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/FAIL cf +\d+ ms +unauthorized/);
      expect(bad.stdout + bad.stderr).not.toContain('wrong-token-value');
    } finally {
      await world.close();
    }
  });

  it('rejects a broken copy with file:line:col', async () => {
    const broken = join(dir.path, 'broken.yml');
    const text = await readFile(examplePolicy, 'utf8');
    await writeFile(broken, text.replace(/maxDuration: \S+/, 'maxDuration: forever'));
    const result = await cli(['check', '--config', broken], exampleEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: catalog\\[\\d+\\]\\.maxDuration: expected a duration like 8h`,
      ),
    );
  });
});

describe('iam-bot check: no silent permanent access', () => {
  it('refuses a previous release’s policy whose group.add item has no end, pointing at the item and saying what to add', async () => {
    const old = join(dir.path, 'previous-release.yml');
    const text = await readFile(examplePolicy, 'utf8');
    await writeFile(old, text.replace(/^ *permanent: true.*\n/m, ''));
    const lines = text.split('\n');
    const itemLine = lines.findIndex((line) => line.includes('id: scw-billing-readers')) + 1;
    const result = await cli(['check', '--offline', '--config', old], exampleEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${old}:${itemLine}:5: catalog[1].maxDuration: required for group.add unless the item says permanent: true`,
    );
  });
});

describe('iam-bot start', () => {
  it('names every missing setting and exits non-zero', async () => {
    const result = await cli(['start', '--config', join(dir.path, 'missing.yml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN is not set');
    expect(result.stderr).toContain('SLACK_SIGNING_SECRET');
    expect(result.stderr).toContain('missing.yml does not exist');
  });
});

describe('the iam-bot executable', () => {
  it('runs as a process: help, unknown command, exit codes', async () => {
    const bin = join(root, 'bin/iam-bot.js');
    const help = spawnSync(process.execPath, [bin, 'audit', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: iam-bot audit verify');
    const unknown = spawnSync(process.execPath, [bin, 'frobnicate'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const policy = join(dir.path, 'copy.yml');
    await copyFile(examplePolicy, policy);
    const checked = spawnSync(process.execPath, [bin, 'check', '--offline', '--config', policy], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...exampleEnv },
    });
    expect(checked.status).toBe(0);
    // The README's first command runs the CLI's start.
    const npmStart = spawnSync('npm', ['start', '--silent', '--', '--help'], { cwd: root, encoding: 'utf8' });
    expect(npmStart.status).toBe(0);
    expect(npmStart.stdout).toContain('Usage: iam-bot start');
  }, 120_000); // four processes, one of them npm (which rebuilds dist/ when a source is newer): minutes on a busy machine
});
