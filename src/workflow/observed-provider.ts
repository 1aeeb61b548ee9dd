/**
 * Logs every call the workflow makes to a provider: which provider, which operation, how long it took
 * and how it ended (debug when it worked, info when it failed). Only these facts are logged — never the
 * arguments or the answer, which carry principals' names and, for key creation, the new secret.
 */
import type { Logger } from '../log.ts';
import { ProviderError, type ProviderRegistry } from './ports.ts';

/** The port's calls that reach the provider (`close` and the descriptive fields are passed through). */
const CALLS = new Set<string>([
  'resolvePrincipal',
  'probe',
  'listGroups',
  'isMember',
  'listMembers',
  'addMember',
  'removeMember',
  'listKeys',
  'createKey',
  'deactivateKey',
  'deleteKey',
  'resetMfa',
  'mfaEnrolled',
]);

/** The port's optional interfaces, whose calls are logged as the provider's own. */
const CAPABILITIES = new Set<string>(['groups', 'keys', 'mfa']);

export function observeProviders(providers: ProviderRegistry, log: Logger): ProviderRegistry {
  return new Map([...providers].map(([id, provider]) => [id, observed(provider, provider.id, log)]));
}

function observed<T extends object>(target: T, providerId: string, log: Logger): T {
  return new Proxy(target, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof property !== 'string') return value;
      if (CAPABILITIES.has(property) && typeof value === 'object' && value !== null)
        return observed(value, providerId, log);
      if (!CALLS.has(property) || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        const facts = () => ({
          provider: providerId,
          operation: property,
          durationMs: Math.round(performance.now() - started),
        });
        try {
          const result: unknown = await value.apply(target, args);
          const providerRequestId = (result as { providerRequestId?: unknown } | null)?.providerRequestId;
          log.debug(
            { ...facts(), outcome: 'ok', ...(typeof providerRequestId === 'string' ? { providerRequestId } : {}) },
            'provider call',
          );
          return result;
        } catch (error) {
          const outcome = error instanceof ProviderError ? error.kind : 'error';
          const providerRequestId = error instanceof ProviderError ? error.providerRequestId : undefined;
          log.info(
            { ...facts(), outcome, ...(providerRequestId ? { providerRequestId } : {}) },
            'provider call failed',
          );
          throw error;
        }
      };
    },
  });
}
