/** examples/policy.yml and the environment its env: references need (fake values), for CLI tests. */
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '../..');
export const examplePolicy = join(repoRoot, 'examples/policy.yml');
export const exampleEnv = {
  CLOUDFLARE_API_TOKEN: 'cf-token-value-123',
  SCW_SECRET_KEY: '11111111-2222-3333-4444-555555555555',
  OSC_ACCESS_KEY: 'OSC-ACCESS-VALUE',
  OSC_SECRET_KEY: 'osc-secret-value-xyz',
  JCS_ACCESS_KEY: '0123456789abcdef0123456789abcdef',
  JCS_SECRET_KEY: 'jcs-secret-value-abc',
};
