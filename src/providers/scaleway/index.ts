/** Scaleway IAM v1alpha1 provider: `createScalewayProvider(settings, deps)`. */
import type { ScalewaySettings } from '../../config/provider-settings.ts';
import type { ProviderDeps } from '../deps.ts';
import type { Provider } from '../../workflow/ports.ts';
import { ScalewayProvider } from './adapter.ts';
import { ScalewayWire } from './wire.ts';

export function createScalewayProvider(settings: ScalewaySettings, deps: ProviderDeps): Provider {
  const log = deps.log.child({ provider: settings.id });
  return new ScalewayProvider(settings.id, new ScalewayWire(settings, { ...deps, log }), log, settings.accessKey);
}
