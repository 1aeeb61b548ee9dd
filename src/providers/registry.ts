/** Builds one adapter per configured provider instance. The only module that knows every provider. */
import type { ProviderSettings } from '../config/provider-settings.ts';
import { createCloudflareProvider } from './cloudflare/index.ts';
import type { ProviderDeps } from './deps.ts';
import { createJcsProvider } from './jcs/index.ts';
import { createOutscaleProvider } from './outscale/index.ts';
import type { Provider } from '../workflow/ports.ts';
import { createScalewayProvider } from './scaleway/index.ts';

export function createProvider(settings: ProviderSettings, deps: ProviderDeps): Provider {
  switch (settings.type) {
    case 'cloudflare':
      return createCloudflareProvider(settings, deps);
    case 'scaleway':
      return createScalewayProvider(settings, deps);
    case 'outscale':
      return createOutscaleProvider(settings, deps);
    case 'jcs':
      return createJcsProvider(settings, deps);
  }
}

export function createProviders(
  settings: Readonly<Record<string, ProviderSettings>>,
  deps: ProviderDeps,
): Map<string, Provider> {
  return new Map(Object.entries(settings).map(([id, s]) => [id, createProvider(s, deps)]));
}

export async function closeProviders(providers: ReadonlyMap<string, Provider>): Promise<void> {
  await Promise.all([...providers.values()].map((p) => p.close()));
}
