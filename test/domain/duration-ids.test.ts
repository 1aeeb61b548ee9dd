import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/domain/duration.ts';
import { formatRef, parseRef } from '../../src/domain/ids.ts';
import { principalFor } from '../../src/domain/policy.ts';
import { Secret } from '../../src/domain/secret.ts';
import { inspect } from 'node:util';

describe('durations', () => {
  it.each([
    ['30m', 1_800_000],
    ['8h', 28_800_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    [' 45s ', 45_000],
    ['1w', 604_800_000],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '8', 'h', '8 h', '-1h', '0m', '1.5h', '8x', 'soon'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it('formats back to the shortest exact form', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(172_800_000)).toBe('2d');
  });
});

describe('request references', () => {
  it('formats and parses REQ numbers', () => {
    expect(formatRef(1)).toBe('REQ-0001');
    expect(formatRef(12345)).toBe('REQ-12345');
    expect(parseRef('req-0042')).toBe(42);
    expect(parseRef('REQ-12345')).toBe(12345);
    expect(parseRef('REQ-0')).toBeUndefined();
    expect(parseRef('42')).toBeUndefined();
  });
});

describe('identity', () => {
  const identity = {
    default: 'email' as const,
    providers: { osc: 'email-local-part' as const, jcs: 'map' as const },
    map: { U1: { jcs: 'alice' } },
    domains: ['example.com'],
  };
  it('maps a Slack user to a provider principal by rule, saying which rule and which email', () => {
    expect(principalFor(identity, 'cf', 'U1', 'alice@example.com')).toEqual({
      ok: true,
      principal: 'alice@example.com',
      rule: 'email',
      email: 'alice@example.com',
    });
    expect(principalFor(identity, 'osc', 'U1', 'alice@example.com')).toEqual({
      ok: true,
      principal: 'alice',
      rule: 'email-local-part',
      email: 'alice@example.com',
    });
    expect(principalFor(identity, 'jcs', 'U1', undefined)).toEqual({ ok: true, principal: 'alice', rule: 'map' });
    expect(principalFor(identity, 'jcs', 'U2', 'bob@example.com').ok).toBe(false);
    expect(principalFor(identity, 'cf', 'U2', undefined).ok).toBe(false);
  });

  it('derives nothing from an email outside the named domains; the domain compares case-insensitively', () => {
    for (const provider of ['cf', 'osc']) {
      expect(principalFor(identity, provider, 'U9', 'alice@partner.example')).toMatchObject({
        ok: false,
        message: expect.stringContaining('alice@partner.example is not in example.com'),
      });
      expect(principalFor(identity, provider, 'U9', 'alice@example.com.evil.example').ok).toBe(false);
    }
    expect(principalFor(identity, 'cf', 'U1', 'Alice@EXAMPLE.com')).toMatchObject({
      ok: true,
      principal: 'Alice@example.com',
    });
    expect(principalFor(identity, 'osc', 'U1', 'a@b@example.com')).toMatchObject({ ok: true, principal: 'a@b' });
  });

  it('a guest or a stranger derives nothing from an email; the identity map still names their account', () => {
    for (const standing of ['guest', 'stranger'] as const) {
      expect(principalFor(identity, 'osc', 'U9', 'alice@example.com', standing).ok).toBe(false);
      expect(principalFor(identity, 'cf', 'U9', 'alice@example.com', standing).ok).toBe(false);
      expect(principalFor(identity, 'jcs', 'U1', 'alice@example.com', standing)).toMatchObject({
        ok: true,
        principal: 'alice',
        rule: 'map',
      });
    }
  });

  it('refuses email-local-part when the policy names no domains', () => {
    const { domains: _none, ...withoutDomains } = identity;
    expect(principalFor(withoutDomains, 'osc', 'U1', 'alice@example.com').ok).toBe(false);
    expect(principalFor(withoutDomains, 'cf', 'U1', 'alice@partner.example')).toMatchObject({
      ok: true,
      principal: 'alice@partner.example',
    });
  });
});

describe('Secret', () => {
  it('never prints its value except through reveal()', () => {
    const secret = new Secret('s3cr3t-value');
    const holder = { key: secret };
    expect(JSON.stringify(holder)).not.toContain('s3cr3t-value');
    expect(String(secret)).not.toContain('s3cr3t-value');
    expect(`${secret}`).not.toContain('s3cr3t-value');
    expect(inspect(holder, { depth: 5 })).not.toContain('s3cr3t-value');
    expect(secret.reveal()).toBe('s3cr3t-value');
  });
});
