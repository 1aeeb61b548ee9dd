import { describe, expect, it } from 'vitest';
import { MAX_PROVIDER_MESSAGE, ProviderError } from '../../src/workflow/ports.ts';
import { scrubDeep, scrubText } from '../../src/domain/scrub.ts';
import { Secret } from '../../src/domain/secret.ts';

// Wrapping a value in a Secret is what makes it known: configured credentials and created keys both are.
const value = 'sk+live/"quoted" 0123\\456';
new Secret(value);

describe('scrubbing known secrets from text', () => {
  it('removes the value exactly and in its common encodings', () => {
    const echoes = [
      value,
      encodeURIComponent(value),
      encodeURIComponent(value).toLowerCase(),
      encodeURIComponent(value).replace(/%20/g, '+'),
      JSON.stringify(value).slice(1, -1),
    ];
    for (const echo of echoes) {
      expect(scrubText(`error: bad token ${echo} (check it)`), echo).toBe('error: bad token [redacted] (check it)');
    }
    for (const encoded of [Buffer.from(value).toString('base64'), Buffer.from(value).toString('base64url')]) {
      // At most the last character and its padding stay: they hold a few bits, not the secret.
      expect(scrubText(`token=${encoded};`), encoded).toMatch(/^token=\[redacted\][A-Za-z0-9+/_-]?=*;$/);
    }
  });

  it('finds the base64 of a value inside a longer blob, at any alignment (a Basic header, a signed payload)', () => {
    for (const prefix of ['user:', 'u:', 'ab:c']) {
      const blob = Buffer.from(`${prefix}${value}:rest`).toString('base64');
      expect(scrubText(`Authorization: Basic ${blob}`), prefix).toContain('[redacted]');
    }
  });

  it('scrubs every string in a structure and leaves what holds no secret untouched', () => {
    const clean = { a: 'nothing here', n: 1, list: ['x'] };
    expect(scrubDeep(clean)).toBe(clean);
    expect(scrubDeep({ a: { b: [`x ${value} y`] }, n: 2 })).toEqual({ a: { b: ['x [redacted] y'] }, n: 2 });
  });

  it('a provider error never carries a known secret, and its message is bounded', () => {
    const error = new ProviderError('unauthorized', `Invalid token ${value} ${'x'.repeat(10_000)}`, {
      providerRequestId: `req-${value}`,
    });
    expect(error.message).not.toContain(value);
    expect(error.message.startsWith('Invalid token [redacted] ')).toBe(true);
    expect(error.message.length).toBeLessThanOrEqual(MAX_PROVIDER_MESSAGE);
    expect(error.providerRequestId).toBe('req-[redacted]');
  });
});
