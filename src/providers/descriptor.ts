/**
 * What a provider folder exports: everything the rest of the bot needs to know about one provider type. The
 * policy schema, `check`'s summary, the registry, the sandbox's what-if view and the README capability test
 * read these, so a new provider is its folder plus one line in `PROVIDERS` (registry.ts).
 */
import type { z } from 'zod';
import type { EnvRef } from '../config/secret-ref.ts';
import type { Secret } from '../domain/secret.ts';
import type { CallInput } from '../workflow/what-if.ts';
import type { ProviderDeps } from './deps.ts';
import type { Capabilities, Provider } from '../workflow/ports.ts';

/** What every provider's settings carry besides its own fields. */
export interface CommonSettings {
  /** The provider instance id from the policy file (`cf-prod`). */
  id: string;
  /** Per-call timeout. */
  timeoutMs: number;
  /** Attempts per call, the first included (retries on 429/5xx/throttling). */
  maxAttempts: number;
}

/** The `type` and the fields every provider section of the policy file has (config/fields.ts). */
interface CommonConfig {
  type: string;
  timeout: number;
  maxAttempts: number;
}

/** Resolves one `env:` reference of the section, reporting a missing variable at its field (undefined then). */
export type SecretOf = (field: string, ref: EnvRef) => Secret | undefined;

export interface ProviderDescriptor<
  Config extends CommonConfig = CommonConfig,
  Settings extends CommonSettings & { type: Config['type'] } = CommonSettings & { type: string },
  Adapter extends Provider = Provider,
> {
  readonly type: Config['type'];
  /** How people call it: Slack messages, the sandbox, the README's capability table. */
  readonly label: string;
  /** Its section of the policy file: a strict object whose `type` is the literal above. */
  readonly configSchema: z.ZodType<Config, unknown>;
  /** The port's optional interfaces its adapters have (the README capability test checks they agree). */
  readonly capabilities: Capabilities;
  /**
   * What the adapter is built with: the section with every `env:` reference resolved and every default
   * derived, so adapters never re-derive anything; undefined when a secret is missing (`secret` reports it).
   */
  settings(config: Config, common: CommonSettings, secret: SecretOf): Settings | undefined;
  /** What `check` prints for it: where it connects and how, never a credential. */
  summary(settings: Settings): string;
  create(settings: Settings, deps: ProviderDeps): Adapter;
  /**
   * The calls an approved request makes, as text for the sandbox's what-if view (a description of what
   * the adapter sends, never executed). `settings` is absent when its credentials are not set.
   */
  describeCalls(input: CallInput, settings: Settings | undefined): string[];
}
