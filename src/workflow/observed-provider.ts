/**
 * Logs every call the workflow makes to a provider: which provider, which operation, how long it took
 * and how it ended (debug when it worked, info when it failed). Only these facts are logged — never the
 * arguments or the answer, which carry principals' names and, for key creation, the new secret.
 */
import type { Logger } from '../log.ts';
import { ProviderError, type Provider, type ProviderRegistry } from './ports.ts';

/** The port's calls that reach the provider (`close` and the descriptive fields are passed through). */
const CALLS = new Set<string>([
  'listGroups',
  'resolvePrincipal',
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
  'probe',
]);

export function observeProviders(providers: ProviderRegistry, log: Logger): ProviderRegistry {
  return new Map([...providers].map(([id, provider]) => [id, observed(provider, log)]));
}

function observed(provider: Provider, log: Logger): Provider {
  return new Proxy(provider, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof property !== 'string' || !CALLS.has(property) || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        const facts = () => ({
          provider: target.id,
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
