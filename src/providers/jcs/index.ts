/** JCS (Jio Cloud Services) IAM: signature v2 query API. */
import type { JcsSettings } from '../../config/provider-settings.ts';
import type { ProviderDeps } from '../deps.ts';
import type { Provider } from '../../workflow/ports.ts';
import { JcsProvider } from './provider.ts';
import { JcsClient } from './wire-client.ts';

export function createJcsProvider(settings: JcsSettings, deps: ProviderDeps): Provider {
  return new JcsProvider(settings, new JcsClient(settings, deps), deps.log);
}
