/** `check`'s reach test: one read-only call per configured provider, timed, errors by kind. */
import type { LoadedConfig } from '../config/load-policy.ts';
import type { Logger } from '../log.ts';
import { ProviderError } from '../workflow/ports.ts';
import { closeProviders, createProviders } from '../providers/registry.ts';

export interface ProbeResult {
  provider: string;
  ok: boolean;
  ms: number;
  detail: string;
}

export async function probeProviders(config: LoadedConfig, log: Logger): Promise<ProbeResult[]> {
  // One attempt each: check reports what is true now, it does not wait out an outage.
  const settings = Object.fromEntries(
    Object.entries(config.providers).map(([id, s]) => [id, { ...s, maxAttempts: 1 }]),
  );
  const providers = createProviders(settings, { log });
  try {
    return await Promise.all(
      [...providers].map(async ([id, provider]) => {
        const started = performance.now();
        try {
          const result = await provider.probe();
          const ms = Math.round(performance.now() - started);
          return {
            provider: id,
            ok: true,
            ms,
            detail: `reachable, credentials accepted${result.providerRequestId ? ` (request ${result.providerRequestId})` : ''}`,
          };
        } catch (error) {
          const ms = Math.round(performance.now() - started);
          const detail =
            error instanceof ProviderError
              ? `${error.kind}: ${error.message}`
              : `unexpected: ${(error as Error).message}`;
          return { provider: id, ok: false, ms, detail };
        }
      }),
    );
  } finally {
    await closeProviders(providers);
  }
}
