/** Scaleway IAM v1alpha1: group membership, API key rotation (users and applications) and MFA reset. */
import type { ProviderDescriptor } from '../descriptor.ts';
import { ScalewayProvider } from './adapter.ts';
import { describeScalewayCalls } from './calls.ts';
import { scalewayConfigSchema, scalewaySettings, type ScalewayConfig, type ScalewaySettings } from './settings.ts';
import { ScalewayWireClient } from './wire-client.ts';

export const scaleway: ProviderDescriptor<ScalewayConfig, ScalewaySettings, ScalewayProvider> = {
  type: 'scaleway',
  label: 'Scaleway',
  configSchema: scalewayConfigSchema,
  capabilities: { groups: true, keys: 'create', mfa: true },
  settings: scalewaySettings,
  summary: (s) => `${s.baseUrl}  organization ${s.organizationId}`,
  create: (settings, deps) => {
    const log = deps.log.child({ provider: settings.id });
    return new ScalewayProvider(
      settings.id,
      new ScalewayWireClient(settings, { ...deps, log }),
      log,
      settings.accessKey,
    );
  },
  describeCalls: describeScalewayCalls,
};
