/**
 * Every provider type the bot knows, and the adapters built from a policy's provider sections. The only
 * module that knows every provider: a new one is its folder (src/providers/<type>/, exporting its
 * descriptor from index.ts) plus one entry in `PROVIDERS`.
 */
import { z } from 'zod';
import { cloudflare } from './cloudflare/index.ts';
import type { ProviderDeps } from './deps.ts';
import type { ProviderDescriptor } from './descriptor.ts';
import { jcs } from './jcs/index.ts';
import { outscale } from './outscale/index.ts';
import type { Provider } from '../workflow/ports.ts';
import { scaleway } from './scaleway/index.ts';
import { IamBotError } from '../shared/errors.ts';

export const PROVIDERS = [jcs, cloudflare, scaleway, outscale] as const;

type Listed = (typeof PROVIDERS)[number];
type ConfigOf<D> = D extends ProviderDescriptor<infer Config, infer _S, infer _A> ? Config : never;
type SettingsOf<D> = D extends ProviderDescriptor<infer _C, infer Settings, infer _A> ? Settings : never;

/** A provider section of the policy file, as its provider's schema outputs it. */
export type ProviderConfig = ConfigOf<Listed>;
/** What an adapter is built with (see `ProviderDescriptor.settings`). */
export type ProviderSettings = SettingsOf<Listed>;

/** Any listed descriptor, its config and settings types widened (each is called with its own type's values). */
type AnyDescriptor = ProviderDescriptor<ProviderConfig, ProviderSettings>;

/** A provider section: the schema of the provider its `type` names. */
export const providerSchema = z.discriminatedUnion(
  'type',
  PROVIDERS.map((p) => p.configSchema) as unknown as Parameters<typeof z.discriminatedUnion>[1],
) as unknown as z.ZodType<ProviderConfig, unknown>;

/** The descriptor of a provider type; undefined for a type no folder provides. */
export function descriptorOf(type: string): AnyDescriptor | undefined {
  return (PROVIDERS as readonly ProviderDescriptor[]).find((p) => p.type === type) as AnyDescriptor | undefined;
}

export function createProvider(settings: ProviderSettings, deps: ProviderDeps): Provider {
  const descriptor = descriptorOf(settings.type);
  if (!descriptor) throw new IamBotError('internal', `no provider of type ${settings.type}`);
  return descriptor.create(settings, deps);
}

export function createProviders(
  settings: Readonly<Record<string, ProviderSettings>>,
  deps: ProviderDeps,
): Map<string, Provider> {
  return new Map(Object.entries(settings).map(([id, s]) => [id, createProvider(s, deps)]));
}

export async function closeProviders(providers: ReadonlyMap<string, Provider>): Promise<void> {
  await Promise.all([...providers.values()].map((p) => p.close()));
}
