/** Cloudflare's section of the policy file, and the settings the adapter is built with. */
import { z } from 'zod';
import { providerCommonFields, text, urlSchema } from '../../config/fields.ts';
import { secretRefSchema } from '../../config/secret-ref.ts';
import type { Secret } from '../../domain/secret.ts';
import type { CommonSettings, SecretOf } from '../descriptor.ts';

const DEFAULT_CLOUDFLARE_BASE_URL = 'https://api.cloudflare.com/client/v4';

export const cloudflareConfigSchema = z.strictObject({
  type: z.literal('cloudflare'),
  accountId: text,
  token: secretRefSchema,
  baseUrl: urlSchema.default(DEFAULT_CLOUDFLARE_BASE_URL),
  ...providerCommonFields,
});

export type CloudflareConfig = z.output<typeof cloudflareConfigSchema>;

export interface CloudflareSettings extends CommonSettings {
  type: 'cloudflare';
  accountId: string;
  token: Secret;
  baseUrl: string;
}

export function cloudflareSettings(
  config: CloudflareConfig,
  common: CommonSettings,
  secret: SecretOf,
): CloudflareSettings | undefined {
  const token = secret('token', config.token);
  return token && { type: 'cloudflare', ...common, accountId: config.accountId, token, baseUrl: config.baseUrl };
}
