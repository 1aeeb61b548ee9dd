/** JCS's section of the policy file, and the settings the adapter is built with. */
import { z } from 'zod';
import { providerCommonFields, text, urlSchema } from '../../config/fields.ts';
import { secretRefSchema } from '../../config/secret-ref.ts';
import type { Secret } from '../../domain/secret.ts';
import type { CommonSettings, SecretOf } from '../descriptor.ts';

const DEFAULT_JCS_ENDPOINT = 'https://iam.ind-west-1.jiocloudservices.com';
/** `{user}` is replaced by the JCS user name: JCS's device list does not say whose a device is. */
const DEFAULT_JCS_MFA_DEVICE_NAME = '{user}';

// One device per user needs the user in its name; any other `{…}` is a typo that would never match.
const mfaDeviceNameSchema = text
  .refine((value) => value.includes('{user}'), "must contain {user}, the JCS user name (e.g. '{user}' or '{user}-mfa')")
  .refine((value) => !/\{(?!user\})[^}]*\}/.test(value), 'the only placeholder is {user}');

export const jcsConfigSchema = z.strictObject({
  type: z.literal('jcs'),
  endpoint: urlSchema.default(DEFAULT_JCS_ENDPOINT),
  accessKey: secretRefSchema,
  secretKey: secretRefSchema,
  mfaDeviceName: mfaDeviceNameSchema.default(DEFAULT_JCS_MFA_DEVICE_NAME),
  ...providerCommonFields,
});

export type JcsConfig = z.output<typeof jcsConfigSchema>;

export interface JcsSettings extends CommonSettings {
  type: 'jcs';
  endpoint: string;
  accessKey: Secret;
  secretKey: Secret;
  /** The name of a user's virtual MFA device, `{user}` standing for the JCS user name. */
  mfaDeviceName: string;
}

export function jcsSettings(config: JcsConfig, common: CommonSettings, secret: SecretOf): JcsSettings | undefined {
  const accessKey = secret('accessKey', config.accessKey);
  const secretKey = secret('secretKey', config.secretKey);
  if (!accessKey || !secretKey) return undefined;
  return {
    type: 'jcs',
    ...common,
    endpoint: config.endpoint,
    accessKey,
    secretKey,
    mfaDeviceName: config.mfaDeviceName,
  };
}
