/** A command's failure: the exit code and what is said come from the error's code (src/cli/failure.ts). */
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AuditContinuityError } from '../../src/audit/continuity.ts';
import { AuditLogError } from '../../src/audit/errors.ts';
import { reportFailure } from '../../src/cli/failure.ts';
import { UsageError, type Io } from '../../src/cli/io.ts';
import { PolicyError } from '../../src/config/problems.ts';
import { failure, WorkflowFailure } from '../../src/domain/errors.ts';
import { IamBotError } from '../../src/shared/errors.ts';
import { StoreOpenError } from '../../src/shared/store-open-error.ts';

function report(error: unknown): { exit: number; said: string } {
  const lines: string[] = [];
  const io = { out: () => {}, err: (text: string) => lines.push(text) } as unknown as Io;
  const exit = reportFailure('iam-bot x', 'Usage: iam-bot x', error, io);
  return { exit, said: lines.join('\n') };
}

function parseArgsError(): unknown {
  try {
    parseArgs({ args: ['--nope'], options: {} });
  } catch (error) {
    return error;
  }
  throw new IamBotError('internal', 'parseArgs took an unknown option');
}

describe('reportFailure', () => {
  it.each([
    ['a UsageError', new UsageError('--config is required')],
    ["parseArgs's refusal", parseArgsError()],
  ])('%s: exit 2, the message and the usage', (_, error) => {
    const { exit, said } = report(error);
    expect(exit).toBe(2);
    expect(said).toContain(`iam-bot x: ${(error as Error).message}`);
    expect(said).toContain('Usage: iam-bot x');
  });

  it.each([
    ['a StoreOpenError', new StoreOpenError('the data directory is in use', 'in_use')],
    ['an AuditLogError', new AuditLogError('audit_unreadable', 'line 3 is not an audit entry')],
    ['an AuditContinuityError', new AuditContinuityError('the audit log ends early', 'truncated')],
    ['a PolicyError', new PolicyError([{ file: 'p.yaml', line: 2, col: 1, path: 'items', message: 'required' }])],
  ])('%s: exit 1 and its message, as it is', (_, error) => {
    expect(report(error)).toEqual({ exit: 1, said: `iam-bot x: ${error.message}` });
  });

  it('a file-system error: exit 1, what failed, where and what to do', () => {
    const error = Object.assign(new Error('EROFS: read-only file system'), {
      code: 'EROFS',
      syscall: 'open',
      path: '/d',
    });
    const { exit, said } = report(error);
    expect(exit).toBe(1);
    expect(said).toContain('open /d failed: the file system is read-only (EROFS)');
  });

  it.each([
    ['a plain Error', new Error('boom')],
    ['an IamBotError whose code is not one a person acts on', new IamBotError('internal', 'boom')],
    ['a WorkflowFailure', new WorkflowFailure(failure('not_found', 'boom'))],
    ["another library's error with one of our codes", Object.assign(new Error('boom'), { code: 'storage' })],
  ])('%s: exit 1, an unexpected error', (_, error) => {
    expect(report(error)).toEqual({ exit: 1, said: 'iam-bot x: unexpected error: boom' });
  });
});
