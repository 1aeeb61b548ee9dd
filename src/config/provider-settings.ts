/**
 * What provider adapters are built with: the validated provider sections with their `env:` references
 * resolved to `Secret`s and every default filled (each provider's descriptor says how), so adapters never
 * re-derive or re-default anything.
 */
import type { Secret } from '../domain/secret.ts';
import { descriptorOf, type ProviderConfig, type ProviderSettings } from '../providers/registry.ts';
import type { KeyStyle } from '../workflow/ports.ts';
import type { Finding } from './problems.ts';
import { resolveEnvRef, type EnvRef } from './secret-ref.ts';

export type { ProviderSettings } from '../providers/registry.ts';
export type { CloudflareSettings } from '../providers/cloudflare/settings.ts';
export type { JcsSettings } from '../providers/jcs/settings.ts';
export type { OutscaleSettings } from '../providers/outscale/settings.ts';
export type { ScalewaySettings } from '../providers/scaleway/settings.ts';

/** A provider type as people call it ("Scaleway"); undefined for a type no provider folder declares. */
export function providerLabel(type: string): string | undefined {
  return descriptorOf(type)?.label;
}

/** How a provider type rotates keys, as its descriptor declares; false where it cannot, undefined for an unknown type. */
export function keyStyleOf(type: string): KeyStyle | false | undefined {
  return descriptorOf(type)?.capabilities.keys;
}

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
    const descriptor = config && descriptorOf(config.type);
    if (!config || !descriptor) continue;
    const secret = (field: string, ref: EnvRef): Secret | undefined => {
      const resolved = resolveEnvRef(ref, env);
      if (resolved.ok) return resolved.secret;
      findings.push({ path: ['providers', id, field], message: resolved.message });
      return undefined;
    };
    const common = { id, timeoutMs: config.timeout, maxAttempts: config.maxAttempts };
    const resolved = descriptor.settings(config, common, secret);
    if (resolved) settings[id] = resolved;
  }
  return { settings, findings };
}
