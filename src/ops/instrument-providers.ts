/**
 * Measures every provider operation at the port: one place for every adapter, so a new provider is
 * measured without code of its own. The outcome is `ok` or the provider error's kind; retries the HTTP layer
 * makes underneath are counted against the operation they served.
 */
import {
  ProviderError,
  type PrincipalKind,
  type PrincipalRef,
  type Provider,
  type ProviderRegistry,
} from '../workflow/ports.ts';
import { observeRetries } from '../providers/http/retry-observer.ts';
import type { BotMetrics } from './metrics.ts';

type Operation = Exclude<keyof Provider, 'id' | 'type' | 'capabilities' | 'consistency' | 'close'>;

export function instrumentProviders(
  registry: ProviderRegistry,
  metrics: BotMetrics,
  now: () => number = performance.now.bind(performance),
): ProviderRegistry {
  return new Map([...registry].map(([id, provider]) => [id, instrument(provider, metrics, now)]));
}

function instrument(provider: Provider, metrics: BotMetrics, now: () => number): Provider {
  const measure =
    <A extends unknown[], R>(operation: Operation, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = now();
      let outcome = 'ok';
      try {
        return await observeRetries(
          () => metrics.providerRetry({ provider: provider.id, operation }),
          () => call(...args),
        );
      } catch (error) {
        outcome = error instanceof ProviderError ? error.kind : 'internal';
        throw error;
      } finally {
        metrics.providerCall({ provider: provider.id, operation, outcome, ms: now() - started });
      }
    };
  // Every call goes to the adapter itself (its private fields need it as `this`).
  return {
    id: provider.id,
    type: provider.type,
    capabilities: provider.capabilities,
    consistency: provider.consistency,
    listGroups: measure('listGroups', (search?: string) => provider.listGroups(search)),
    resolvePrincipal: measure('resolvePrincipal', (identity: string, as?: PrincipalKind) =>
      provider.resolvePrincipal(identity, as),
    ),
    isMember: measure('isMember', (group: string, principal: PrincipalRef) => provider.isMember(group, principal)),
    listMembers: measure('listMembers', (group: string) => provider.listMembers(group)),
    addMember: measure('addMember', (group: string, principal: PrincipalRef) => provider.addMember(group, principal)),
    removeMember: measure('removeMember', (group: string, principal: PrincipalRef) =>
      provider.removeMember(group, principal),
    ),
    listKeys: measure('listKeys', (principal: PrincipalRef) => provider.listKeys(principal)),
    createKey: measure('createKey', (principal: PrincipalRef) => provider.createKey(principal)),
    deactivateKey: measure('deactivateKey', (principal: PrincipalRef, keyId: string) =>
      provider.deactivateKey(principal, keyId),
    ),
    deleteKey: measure('deleteKey', (principal: PrincipalRef, keyId: string) => provider.deleteKey(principal, keyId)),
    resetMfa: measure('resetMfa', (principal: PrincipalRef) => provider.resetMfa(principal)),
    mfaEnrolled: measure('mfaEnrolled', (principal: PrincipalRef) => provider.mfaEnrolled(principal)),
    probe: measure('probe', () => provider.probe()),
    close: () => provider.close(),
  };
}
