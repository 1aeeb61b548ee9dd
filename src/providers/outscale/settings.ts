/** Outscale's section of the policy file, and the settings the adapter is built with. */
import { z } from 'zod';
import { providerCommonFields, text, urlSchema } from '../../config/fields.ts';
import { secretRefSchema } from '../../config/secret-ref.ts';
import type { Secret } from '../../domain/secret.ts';
import type { CommonSettings, SecretOf } from '../descriptor.ts';

const DEFAULT_OUTSCALE_REGION = 'eu-west-2';
const DEFAULT_OUTSCALE_SERVICE = 'eim';
/** `{region}` is replaced by the provider's region. */
const DEFAULT_OUTSCALE_ENDPOINT = 'https://eim.{region}.outscale.com';

export const outscaleConfigSchema = z.strictObject({
  type: z.literal('outscale'),
  // The region becomes part of a host name.
  region: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'expected a region like eu-west-2')
    .default(DEFAULT_OUTSCALE_REGION),
  accessKey: secretRefSchema,
  secretKey: secretRefSchema,
  service: text.default(DEFAULT_OUTSCALE_SERVICE),
  /** Absent: derived from the region. */
  endpoint: urlSchema.optional(),
  ...providerCommonFields,
});

export type OutscaleConfig = z.output<typeof outscaleConfigSchema>;

export interface OutscaleSettings extends CommonSettings {
  type: 'outscale';
  region: string;
  accessKey: Secret;
  secretKey: Secret;
  /** SigV4 service name. */
  service: string;
  endpoint: string;
}

export function outscaleSettings(
  config: OutscaleConfig,
  common: CommonSettings,
  secret: SecretOf,
): OutscaleSettings | undefined {
  // Both resolved before bailing out, so both missing variables are reported.
  const accessKey = secret('accessKey', config.accessKey);
  const secretKey = secret('secretKey', config.secretKey);
  if (!accessKey || !secretKey) return undefined;
  const endpoint = config.endpoint ?? DEFAULT_OUTSCALE_ENDPOINT.replace('{region}', config.region);
  return {
    type: 'outscale',
    ...common,
    region: config.region,
    accessKey,
    secretKey,
    service: config.service,
    endpoint,
  };
}
