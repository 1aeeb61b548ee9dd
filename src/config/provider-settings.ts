/**
 * What a provider adapter needs to connect: the validated provider section with its `env:` references
 * resolved to `Secret`s and every default filled, so adapters never re-derive or re-default anything.
 */
import type { Secret } from '../domain/secret.ts';
import { DEFAULT_OUTSCALE_ENDPOINT, type ProviderConfig } from './policy-schema.ts';
import type { Finding } from './problems.ts';
import { resolveEnvRef, type EnvRef } from './secret-ref.ts';

interface CommonSettings {
  /** The provider instance id from the policy file (`cf-prod`). */
  id: string;
  /** Per-call timeout. */
  timeoutMs: number;
  /** Attempts per call, the first included (retries on 429/5xx/throttling). */
  maxAttempts: number;
}

export interface CloudflareSettings extends CommonSettings {
  type: 'cloudflare';
  accountId: string;
  token: Secret;
  baseUrl: string;
}

export interface ScalewaySettings extends CommonSettings {
  type: 'scaleway';
  organizationId: string;
  secretKey: Secret;
  /** The access key id matching `secretKey`, when known (an identifier, not a credential). */
  accessKey?: string;
  baseUrl: string;
}

export interface OutscaleSettings extends CommonSettings {
  type: 'outscale';
  region: string;
  accessKey: Secret;
  secretKey: Secret;
  /** SigV4 service name. */
  service: string;
  endpoint: string;
}

export interface JcsSettings extends CommonSettings {
  type: 'jcs';
  endpoint: string;
  accessKey: Secret;
  secretKey: Secret;
  /** The name of a user's virtual MFA device, `{user}` standing for the JCS user name. */
  mfaDeviceName: string;
}

export type ProviderSettings = CloudflareSettings | ScalewaySettings | OutscaleSettings | JcsSettings;

export interface ResolvedProviders {
  /** Only providers whose every secret resolved. */
  settings: Record<string, ProviderSettings>;
  findings: Finding[];
}

/** Resolves every `env:` reference, reporting each missing variable at the field that names it. */
export function resolveProviders(
  providers: Readonly<Record<string, ProviderConfig | undefined>>,
  env: NodeJS.ProcessEnv,
): ResolvedProviders {
  const settings: Record<string, ProviderSettings> = {};
  const findings: Finding[] = [];
  for (const [id, config] of Object.entries(providers)) {
    if (!config) continue;
    const secret = (field: string, ref: EnvRef): Secret | undefined => {
      const resolved = resolveEnvRef(ref, env);
      if (resolved.ok) return resolved.secret;
      findings.push({ path: ['providers', id, field], message: resolved.message });
      return undefined;
    };
    const resolved = settingsFor(id, config, secret);
    if (resolved) settings[id] = resolved;
  }
  return { settings, findings };
}

type SecretOf = (field: string, ref: EnvRef) => Secret | undefined;

function settingsFor(id: string, config: ProviderConfig, secret: SecretOf): ProviderSettings | undefined {
  const common = { id, timeoutMs: config.timeout, maxAttempts: config.maxAttempts };
  switch (config.type) {
    case 'cloudflare': {
      const token = secret('token', config.token);
      return token && { type: 'cloudflare', ...common, accountId: config.accountId, token, baseUrl: config.baseUrl };
    }
    case 'scaleway': {
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
    case 'outscale': {
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
    case 'jcs': {
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
  }
}
