/**
 * Measures every provider operation at the port: one place for every adapter, so a new provider is
 * measured without code of its own. The outcome is `ok` or the provider error's kind; retries the HTTP layer
 * makes underneath are counted against the operation they served.
 */
import {
  ProviderError,
  type GroupMembership,
  type KeyRotation,
  type MfaReset,
  type PrincipalKind,
  type PrincipalRef,
  type Provider,
  type ProviderRegistry,
} from '../workflow/ports.ts';
import { observeRetries } from '../providers/http/retry-observer.ts';
import type { BotMetrics } from './metrics.ts';

/** The port's calls that reach the provider, the optional interfaces' included. */
type Operation =
  | 'resolvePrincipal'
  | 'probe'
  | keyof GroupMembership
  | 'listKeys'
  | 'createKey'
  | 'deactivateKey'
  | 'deleteKey'
  | keyof MfaReset;

type Measure = <A extends unknown[], R>(
  operation: Operation,
  call: (...args: A) => Promise<R>,
) => (...args: A) => Promise<R>;

export function instrumentProviders(
  registry: ProviderRegistry,
  metrics: BotMetrics,
  now: () => number = performance.now.bind(performance),
): ProviderRegistry {
  return new Map([...registry].map(([id, provider]) => [id, instrument(provider, metrics, now)]));
}

function instrument(provider: Provider, metrics: BotMetrics, now: () => number): Provider {
  const measure: Measure =
    (operation, call) =>
    async (...args) => {
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
  const { groups, keys, mfa } = provider;
  // Every call goes to the adapter itself (its private fields need it as `this`); a capability the
  // provider lacks stays absent.
  return {
    id: provider.id,
    type: provider.type,
    consistency: provider.consistency,
    resolvePrincipal: measure('resolvePrincipal', (identity: string, as?: PrincipalKind) =>
      provider.resolvePrincipal(identity, as),
    ),
    probe: measure('probe', () => provider.probe()),
    close: () => provider.close(),
    ...(groups && { groups: instrumentGroups(groups, measure) }),
    ...(keys && { keys: instrumentKeys(keys, measure) }),
    ...(mfa && { mfa: instrumentMfa(mfa, measure) }),
  };
}

function instrumentGroups(groups: GroupMembership, measure: Measure): GroupMembership {
  return {
    listGroups: measure('listGroups', (search?: string) => groups.listGroups(search)),
    isMember: measure('isMember', (group: string, principal: PrincipalRef) => groups.isMember(group, principal)),
    listMembers: measure('listMembers', (group: string) => groups.listMembers(group)),
    addMember: measure('addMember', (group: string, principal: PrincipalRef) => groups.addMember(group, principal)),
    removeMember: measure('removeMember', (group: string, principal: PrincipalRef) =>
      groups.removeMember(group, principal),
    ),
  };
}

function instrumentKeys(keys: KeyRotation, measure: Measure): KeyRotation {
  const listKeys = measure('listKeys', (principal: PrincipalRef) => keys.listKeys(principal));
  const createKey = measure('createKey', (principal: PrincipalRef) => keys.createKey(principal));
  if (keys.style === 'roll') return { style: 'roll', listKeys, createKey };
  const deactivate = keys.deactivateKey?.bind(keys);
  return {
    style: 'create',
    listKeys,
    createKey,
    deleteKey: measure('deleteKey', (principal: PrincipalRef, keyId: string) => keys.deleteKey(principal, keyId)),
    ...(deactivate && { deactivateKey: measure('deactivateKey', deactivate) }),
  };
}

function instrumentMfa(mfa: MfaReset, measure: Measure): MfaReset {
  return {
    resetMfa: measure('resetMfa', (principal: PrincipalRef) => mfa.resetMfa(principal)),
    mfaEnrolled: measure('mfaEnrolled', (principal: PrincipalRef) => mfa.mfaEnrolled(principal)),
  };
}
