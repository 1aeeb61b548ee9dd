/** Outscale EIM (AWS IAM compatible): group membership and access key rotation; no MFA API. */
import type { ProviderDescriptor } from '../descriptor.ts';
import { OutscaleProvider } from './adapter.ts';
import { describeOutscaleCalls } from './calls.ts';
import { OutscaleWireClient } from './wire-client.ts';
import { outscaleConfigSchema, outscaleSettings, type OutscaleConfig, type OutscaleSettings } from './settings.ts';

export { EIM_ACCESS_KEYS_PER_USER } from './adapter.ts';

export const outscale: ProviderDescriptor<OutscaleConfig, OutscaleSettings, OutscaleProvider> = {
  type: 'outscale',
  label: 'Outscale',
  configSchema: outscaleConfigSchema,
  capabilities: { groups: true, keys: 'create', mfa: false },
  settings: outscaleSettings,
  summary: (s) => `${s.endpoint}  region ${s.region}, service ${s.service}`,
  create: (settings, deps) => new OutscaleProvider(settings.id, new OutscaleWireClient(settings, deps), deps.log),
  describeCalls: describeOutscaleCalls,
};
