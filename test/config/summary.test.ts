import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/load-policy.ts';
import { summarize } from '../../src/config/summary.ts';

// Recognisable values, so any leak into the summary is found by a plain substring scan.
const ENV = {
  CLOUDFLARE_API_TOKEN: 'LEAK-cloudflare-token-7f3a',
  SCW_SECRET_KEY: 'LEAK-scaleway-secret-91b2',
  OSC_ACCESS_KEY: 'LEAK-outscale-access-44c1',
  OSC_SECRET_KEY: 'LEAK-outscale-secret-0d9e',
  JCS_ACCESS_KEY: 'LEAK-jcs-access-5a5a',
  JCS_SECRET_KEY: 'LEAK-jcs-secret-e1e1',
};

describe('summarize', () => {
  it('never prints a secret', async () => {
    const text = summarize(await loadPolicy('examples/policy.yml', ENV));
    expect(text).not.toContain('LEAK');
    for (const value of Object.values(ENV)) expect(text).not.toContain(value);
  });

  it('lists providers with their type, approver sets and catalog items with kind, provider, stages and max duration', async () => {
    const config = await loadPolicy('examples/policy.yml', ENV);
    const text = summarize(config);
    const lines = text.split('\n');
    for (const [id, type] of Object.entries(config.policy.providers)) {
      expect(lines.some((line) => line.includes(id) && line.includes(type))).toBe(true);
    }
    for (const name of Object.keys(config.policy.sets)) expect(text).toContain(name);
    expect(lines.find((line) => line.includes('cf-prod-admins'))).toMatch(
      /group\.add on cf-prod .*stages: managers → platform-leads.*max 8h.*reason required/,
    );
    expect(lines.find((line) => line.includes('jcs-mfa-reset'))).toMatch(
      /mfa\.reset on jcs .*stages: security \(quorum 2\)/,
    );
    expect(text).toContain('Requests: pending ones expire after 1d');
  });
});
