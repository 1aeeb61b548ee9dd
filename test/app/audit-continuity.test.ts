import { readFile, rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataFiles } from '../../src/app.ts';
import { AuditContinuityError } from '../../src/audit/index.ts';
import { cli } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';
import { world } from '../support/services.ts';

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

/** A data directory whose audit log holds a few entries the store recorded as written. */
async function withHistory(): Promise<{ file: string; lines: string[] }> {
  const w = world(dir.path);
  const services = await w.open();
  const request = await services.service.submit({
    requester: 'U_ALICE',
    itemId: 'cf-admins',
    reason: 'incident',
    duration: '2h',
  });
  await services.service.approve('U_BOB', request.ref);
  await services.close();
  const file = dataFiles(dir.path).audit;
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  expect(lines.length).toBeGreaterThan(3);
  return { file, lines };
}

async function refusal(): Promise<AuditContinuityError> {
  const error = await world(dir.path)
    .open()
    .then(
      async (services) => {
        await services.close();
        return undefined;
      },
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(AuditContinuityError);
  return error as AuditContinuityError;
}

describe('start-up and the audit log the store recorded', () => {
  it('refuses, start after start, while the log is shorter than the recorded head; only accept-loss goes on, and records it', async () => {
    const { file, lines } = await withHistory();
    const truncated = `${lines.slice(0, 2).join('\n')}\n`;
    await writeFile(file, truncated);
    for (let start = 0; start < 2; start++) {
      const error = await refusal();
      expect(error.code).toBe('truncated');
      expect(error.message).toContain(`the log ends at entry 2 but entries up to ${lines.length} were recorded`);
      expect(error.message).toContain('iam-bot audit accept-loss --reason');
    }
    expect(await readFile(file, 'utf8')).toBe(truncated);
    expect((await cli(['audit', 'verify', '--data', dir.path])).code).toBe(1);

    const noReason = await cli(['audit', 'accept-loss', '--data', dir.path]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('accept-loss needs --reason');
    const accepted = await cli([
      'audit',
      'accept-loss',
      '--reason',
      'disk restored from the 02:00 snapshot',
      '--data',
      dir.path,
    ]);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('the loss is recorded as entry 3');
    const entry = JSON.parse((await readFile(file, 'utf8')).trim().split('\n')[2]!) as {
      event: string;
      actor: string;
      details: Record<string, unknown>;
    };
    expect(entry.event).toBe('audit.loss_accepted');
    expect(entry.actor).toMatch(/^cli:/);
    expect(entry.details).toMatchObject({
      reason: 'disk restored from the 02:00 snapshot',
      recorded: { seq: lines.length },
      found: { seq: 2 },
    });
    expect((await cli(['audit', 'verify', '--data', dir.path])).code).toBe(0);
    await (await world(dir.path).open()).close();
    expect((await cli(['audit', 'accept-loss', '--reason', 'again', '--data', dir.path])).stdout).toContain(
      'there is no loss to accept',
    );
  });

  it('refuses a log that was deleted', async () => {
    const { file, lines } = await withHistory();
    await rm(file);
    expect((await refusal()).message).toContain(
      `the log ends at entry 0 but entries up to ${lines.length} were recorded`,
    );
  });

  it('stops on a damaged line in the middle with file:line, and accept-loss will not paper over it', async () => {
    const { file, lines } = await withHistory();
    const damaged = [lines[0], '{"seq":2,"this is not', ...lines.slice(2)].join('\n') + '\n';
    await writeFile(file, damaged);
    const error = await refusal();
    expect(error.code).toBe('damaged');
    expect(error.message).toContain(`${file}:2: line 2 is not valid JSON`);
    const refused = await cli(['audit', 'accept-loss', '--reason', 'whatever', '--data', dir.path]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('That is damage, not a loss');
    expect(await readFile(file, 'utf8')).toBe(damaged);
  });
});
