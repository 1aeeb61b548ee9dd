/** Scaleway's section of the policy file, and the settings the adapter is built with. */
import { z } from 'zod';
import { providerCommonFields, text, urlSchema } from '../../config/fields.ts';
import { secretRefSchema } from '../../config/secret-ref.ts';
import type { Secret } from '../../domain/secret.ts';
import type { CommonSettings, SecretOf } from '../descriptor.ts';

const DEFAULT_SCALEWAY_BASE_URL = 'https://api.scaleway.com';

export const scalewayConfigSchema = z.strictObject({
  type: z.literal('scaleway'),
  organizationId: text,
  secretKey: secretRefSchema,
  /** The access key id is an identifier, not a credential: it may be written in the file. */
  accessKey: text.optional(),
  baseUrl: urlSchema.default(DEFAULT_SCALEWAY_BASE_URL),
  ...providerCommonFields,
});

export type ScalewayConfig = z.output<typeof scalewayConfigSchema>;

export interface ScalewaySettings extends CommonSettings {
  type: 'scaleway';
  organizationId: string;
  secretKey: Secret;
  /** The access key id matching `secretKey`, when known (an identifier, not a credential). */
  accessKey?: string;
  baseUrl: string;
}

export function scalewaySettings(
  config: ScalewayConfig,
  common: CommonSettings,
  secret: SecretOf,
): ScalewaySettings | undefined {
  const secretKey = secret('secretKey', config.secretKey);
  if (!secretKey) return undefined;
  const settings: ScalewaySettings = {
    type: 'scaleway',
    ...common,
    organizationId: config.organizationId,
    secretKey,
    baseUrl: config.baseUrl,
  };
  if (config.accessKey !== undefined) settings.accessKey = config.accessKey;
  return settings;
}
