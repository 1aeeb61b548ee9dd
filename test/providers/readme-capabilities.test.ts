import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load-policy.ts';
import { createLogger } from '../../src/log.ts';
import { closeProviders, createProviders, descriptorOf, PROVIDERS } from '../../src/providers/registry.ts';
import { capabilitiesOf } from '../../src/workflow/ports.ts';

const yesNo = (v: boolean) => (v ? 'yes' : 'no');

describe("the README's capability table", () => {
  it('says what each provider descriptor declares', async () => {
    const readme = await readFile(join(import.meta.dirname, '../../README.md'), 'utf8');
    const rows = new Map(
      [...readme.matchAll(/^\| ([^|]+?) \| (yes|no) \| (yes|no) \| (yes|no) \|/gm)].map((m) => [
        m[1],
        [m[2], m[3], m[4]],
      ]),
    );
    for (const { label, capabilities: c } of PROVIDERS) {
      expect(rows.get(label), label).toEqual([c.groups, c.keys !== false, c.mfa].map(yesNo));
    }
  });

  it('and each adapter built from the example policy declares what its descriptor does', async () => {
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
      expect(providers.size).toBe(PROVIDERS.length);
      for (const provider of providers.values())
        expect(capabilitiesOf(provider), provider.type).toEqual(descriptorOf(provider.type)?.capabilities);
    } finally {
      await closeProviders(providers);
    }
  });
});
