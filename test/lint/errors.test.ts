/**
 * The one-error-base rule of eslint.config.js refuses what it says: no plain Error thrown in src/ (outside the
 * simulators), and no error class that extends Error instead of IamBotError. Only `no-restricted-syntax` runs,
 * without type information, as in layering.test.ts.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: `${root}/eslint.config.js`,
  overrideConfig: { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-syntax',
});

async function refusals(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${path}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('one error base (eslint no-restricted-syntax)', () => {
  it.each([
    ['src/workflow/executor.ts', "throw new Error('boom');"],
    ['src/slack/client.ts', "export const e = new TypeError('boom');"],
    ['src/domain/review.ts', "throw Error('boom');"],
    ['src/sandbox/page/api.ts', "export const fail = () => Promise.reject(new RangeError('boom'));"],
    ['src/providers/registry.ts', "throw new Error('boom');"],
  ])('%s refuses %s', async (path, code) => {
    expect(await refusals(path, code)).toEqual([expect.stringContaining('Throw an IamBotError with a code')]);
  });

  it.each([
    ['src/store/lock.ts', 'export class LockError extends Error {}'],
    ['src/slack/notifier.ts', 'export const E = class extends TypeError {};'],
  ])('%s refuses %s', async (path, code) => {
    expect(await refusals(path, code)).toEqual([expect.stringContaining('An error class extends IamBotError')]);
  });

  it.each([
    ['src/workflow/executor.ts', "throw new IamBotError('internal', 'boom');"],
    ['src/store/lock.ts', 'export class LockError extends IamBotError {}'],
    ['src/audit/continuity.ts', 'export class AuditContinuityError extends AuditLogError {}'],
    ['src/simulators/jcs/auth.ts', "throw new Error('a witness keeps its own errors');"],
    ['src/simulators/slack/web-api.ts', 'export class SlackRefusal extends Error {}'],
    ['test/workflow/executor.test.ts', "throw new Error('tests may');"],
  ])('%s may %s', async (path, code) => {
    expect(await refusals(path, code)).toEqual([]);
  });
});
