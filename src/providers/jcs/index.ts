/** JCS (Jio Cloud Services) IAM, signature v2 query API: group membership, key rotation and MFA reset. */
import type { ProviderDescriptor } from '../descriptor.ts';
import { describeJcsCalls } from './calls.ts';
import { JcsProvider } from './adapter.ts';
import { jcsConfigSchema, jcsSettings, type JcsConfig, type JcsSettings } from './settings.ts';
import { JcsWireClient } from './wire-client.ts';

export const jcs: ProviderDescriptor<JcsConfig, JcsSettings, JcsProvider> = {
  type: 'jcs',
  label: 'JCS',
  configSchema: jcsConfigSchema,
  capabilities: { groups: true, keys: 'create', mfa: true },
  settings: jcsSettings,
  summary: (s) => `${s.endpoint}  MFA device ${s.mfaDeviceName}`,
  create: (settings, deps) => new JcsProvider(settings, new JcsWireClient(settings, deps), deps.log),
  describeCalls: describeJcsCalls,
};
