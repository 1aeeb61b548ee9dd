import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load-policy.ts';
import { createLogger } from '../../src/log.ts';
import { closeProviders, createProviders } from '../../src/providers/registry.ts';

const NAMES: Record<string, string> = {
  jcs: 'JCS',
  cloudflare: 'Cloudflare',
  scaleway: 'Scaleway',
  outscale: 'Outscale',
};

describe("the README's capability table", () => {
  it('says what each adapter declares', async () => {
    const readme = await readFile(join(import.meta.dirname, '../../README.md'), 'utf8');
    const rows = new Map(
      [...readme.matchAll(/^\| (JCS|Cloudflare|Scaleway|Outscale) \| (yes|no) \| (yes|no) \| (yes|no) \|/gm)].map(
        (m) => [m[1], [m[2], m[3], m[4]]],
      ),
    );
    const config = parsePolicy(
      await readFile(join(import.meta.dirname, '../../examples/policy.yml'), 'utf8'),
      'policy.yml',
      {
        CLOUDFLARE_API_TOKEN: 't',
        SCW_SECRET_KEY: '11111111-1111-1111-1111-111111111111',
        OSC_ACCESS_KEY: 'a',
        OSC_SECRET_KEY: 's',
        JCS_ACCESS_KEY: 'a',
        JCS_SECRET_KEY: 's',
      },
    );
    const providers = createProviders(config.providers, { log: createLogger({ level: 'silent' }) });
    try {
      expect(providers.size).toBe(4);
      for (const provider of providers.values()) {
        const c = provider.capabilities;
        const declared = [c.groupMembership, c.keyRotation, c.mfaReset].map((v) => (v ? 'yes' : 'no'));
        expect(rows.get(NAMES[provider.type] ?? provider.type), provider.type).toEqual(declared);
      }
    } finally {
      await closeProviders(providers);
    }
  });
});
