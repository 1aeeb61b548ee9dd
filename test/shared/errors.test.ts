import { describe, expect, it } from 'vitest';
import { hasCode, IamBotError } from '../../src/shared/errors.ts';

describe('hasCode', () => {
  it('answers for an IamBotError by its code', () => {
    const error = new IamBotError('storage', 'read-only');
    expect(hasCode(error, 'storage')).toBe(true);
    expect(hasCode(error, 'in_use', 'storage')).toBe(true);
    expect(hasCode(error, 'in_use')).toBe(false);
  });

  it("answers for a Node.js or a library's error by its code", () => {
    const enoent = Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
    expect(hasCode(enoent, 'ENOENT')).toBe(true);
    expect(hasCode(enoent, 'EACCES')).toBe(false);
    expect(hasCode({ code: '57P03' }, '57P03')).toBe(true);
    expect(hasCode(new Error('ENOENT'), 'ENOENT')).toBe(false);
    expect(hasCode(undefined, 'ENOENT')).toBe(false);
    expect(hasCode('ENOENT', 'ENOENT')).toBe(false);
  });

  it('never takes an error that is not ours for one of our codes', () => {
    expect(hasCode(Object.assign(new Error('x'), { code: 'storage' }), 'storage')).toBe(false);
  });
});
