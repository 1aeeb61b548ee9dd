/** Outscale EIM (AWS IAM compatible): group membership and access key rotation; no MFA API. */
import type { OutscaleSettings } from '../../config/provider-settings.ts';
import type { ProviderDeps } from '../deps.ts';
import type { Provider } from '../../workflow/ports.ts';
import { OutscaleProvider } from './adapter.ts';
import { EimClient } from './eim-client.ts';

export { EIM_ACCESS_KEYS_PER_USER } from './adapter.ts';

export function createOutscaleProvider(settings: OutscaleSettings, deps: ProviderDeps): Provider {
  return new OutscaleProvider(settings.id, new EimClient(settings, deps), deps.log);
}
