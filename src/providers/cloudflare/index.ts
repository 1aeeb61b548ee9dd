/** Cloudflare IAM (API v4): user group membership and account API token rolls. */
import type { ProviderDescriptor } from '../descriptor.ts';
import { CloudflareProvider } from './adapter.ts';
import { describeCloudflareCalls } from './calls.ts';
import {
  cloudflareConfigSchema,
  cloudflareSettings,
  type CloudflareConfig,
  type CloudflareSettings,
} from './settings.ts';

export const cloudflare: ProviderDescriptor<CloudflareConfig, CloudflareSettings, CloudflareProvider> = {
  type: 'cloudflare',
  label: 'Cloudflare',
  configSchema: cloudflareConfigSchema,
  capabilities: { groups: true, keys: 'roll', mfa: false },
  settings: cloudflareSettings,
  summary: (s) => `${s.baseUrl}  account ${s.accountId}`,
  create: (settings, deps) => new CloudflareProvider(settings, deps),
  describeCalls: describeCloudflareCalls,
};
