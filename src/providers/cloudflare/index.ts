/** Cloudflare IAM (API v4): user group membership and account API token rolls. */
import type { CloudflareSettings } from '../../config/provider-settings.ts';
import type { ProviderDeps } from '../deps.ts';
import type { Provider } from '../../workflow/ports.ts';
import { CloudflareProvider } from './adapter.ts';

export function createCloudflareProvider(settings: CloudflareSettings, deps: ProviderDeps): Provider {
  return new CloudflareProvider(settings, deps);
}
