/**
 * The Provider port: what the workflow needs from a cloud IAM API. Adapters translate their wire
 * protocol to these calls and their errors to `ProviderError` kinds. Secrets come back wrapped in `Secret`.
 */
import type { ProviderErrorKind } from '../../domain/request.ts';
import type { Secret } from '../../domain/secret.ts';
import { boundText, scrubText } from '../../domain/scrub.ts';
import { IamBotError } from '../../shared/errors.ts';

/**
 * What a provider can do, as data: which of the port's optional interfaces its adapters have (`keys` names the
 * rotation's style). A descriptor declares it before any adapter exists (providers/descriptor.ts);
 * `capabilitiesOf` reads it back from an adapter.
 */
export interface Capabilities {
  groups: boolean;
  keys: KeyStyle | false;
  mfa: boolean;
}

/**
 * How a provider rotates a key. `create`: a new key beside the old ones, which are retired once the owner
 * confirms. `roll`: the same key (same id) gets a new value and the old value stops working at once, so
 * nothing is left to retire and an unrevealed value cannot be undone (Cloudflare's account API tokens,
 * docs/providers/cloudflare.md).
 */
export type KeyStyle = 'roll' | 'create';

export interface GroupRef {
  id: string;
  name: string;
}

/** A provider user (or service principal) as the provider names it. */
export interface PrincipalRef {
  id: string;
  name: string;
}

export interface KeyInfo {
  id: string;
  status: 'active' | 'inactive';
  createdAt?: string;
}

/** What a provider said, for the audit trail. */
export interface CallResult {
  providerRequestId?: string;
  /** What people must know about the outcome when the plain summary would mislead them. */
  note?: string;
}

export interface CreatedKey extends CallResult {
  key: KeyInfo;
  secret: Secret;
}

/**
 * How soon a change shows in the provider's own reads, and how that is known. The workflow reads every
 * change back (workflow/verify.ts): right away where reads follow writes, within a bounded wait elsewhere.
 */
export interface Consistency {
  /**
   * `read-your-writes`: a read made after a change was acknowledged shows it. `eventual`: documented (or,
   * for an API compatible with one that documents it, inherited) to show it later. `unknown`: nothing
   * says, so it is treated as eventual.
   */
  model: 'read-your-writes' | 'eventual' | 'unknown';
  /** Where the fact comes from (the provider's docs/providers/<type>.md, its public docs, recorded traffic). */
  source: string;
}

/** Group membership: what `group.add` and `group.remove` need, and what grant sweeps read. */
export interface GroupMembership {
  /** Groups whose name matches `search` (all when empty), for pickers. */
  listGroups(search?: string): Promise<GroupRef[]>;
  isMember(group: string, principal: PrincipalRef): Promise<boolean>;
  /**
   * Every member of a group (paging through the whole list), for reconciliation sweeps. Each member's
   * `id` and `name` are what `resolvePrincipal` returns for the same principal, so a sweep compares by
   * `id`. An unknown group is `not_found`.
   */
  listMembers(group: string): Promise<PrincipalRef[]>;
  /** Adding an existing member succeeds. */
  addMember(group: string, principal: PrincipalRef): Promise<CallResult>;
  /** Removing a non-member succeeds. */
  removeMember(group: string, principal: PrincipalRef): Promise<CallResult>;
}

interface KeyListing {
  readonly style: KeyStyle;
  listKeys(principal: PrincipalRef): Promise<KeyInfo[]>;
  /** A new key (`create`), or the same key with a new value (`roll`). */
  createKey(principal: PrincipalRef): Promise<CreatedKey>;
}

/** Rotation by rolling: `createKey` answers with the key's own id, and the old value is already dead. */
export interface RolledKeys extends KeyListing {
  readonly style: 'roll';
}

/** Rotation by creating a key beside the old ones, which are retired (deactivated where possible) afterwards. */
export interface CreatedKeys extends KeyListing {
  readonly style: 'create';
  /** Present where a key can be switched off and kept (a way back); elsewhere old keys are deleted. */
  deactivateKey?(principal: PrincipalRef, keyId: string): Promise<CallResult>;
  deleteKey(principal: PrincipalRef, keyId: string): Promise<CallResult>;
}

/** Key rotation: what `key.rotate` needs. */
export type KeyRotation = RolledKeys | CreatedKeys;

/** MFA reset: what `mfa.reset` needs. */
export interface MfaReset {
  resetMfa(principal: PrincipalRef): Promise<CallResult>;
  /** Whether the principal still has the MFA device a reset removes: how a reset is read back. */
  mfaEnrolled(principal: PrincipalRef): Promise<boolean>;
}

/**
 * A provider: what every one has (principals, a probe), and an optional interface per capability. What a
 * provider cannot do is absent, never a stub that throws or pretends.
 */
export interface Provider {
  readonly id: string;
  readonly type: string;
  readonly consistency: Consistency;
  /**
   * The provider principal named by an identity. `user` (default): a person, by the email or name the
   * policy's identity rules give. `service`: the service principal a catalog item names for key
   * rotation (a Scaleway application, an Outscale/JCS user used by CI, a Cloudflare account token).
   */
  resolvePrincipal(identity: string, as?: PrincipalKind): Promise<PrincipalRef>;
  /** One cheap read-only call that proves the endpoint answers and the credentials are accepted. */
  probe(): Promise<CallResult>;
  /** Releases the connection pool. */
  close(): Promise<void>;
  readonly groups?: GroupMembership;
  readonly keys?: KeyRotation;
  readonly mfa?: MfaReset;
}

/** Which capabilities an adapter has, as its descriptor declares them. */
export function capabilitiesOf(provider: Provider): Capabilities {
  return {
    groups: provider.groups !== undefined,
    keys: provider.keys?.style ?? false,
    mfa: provider.mfa !== undefined,
  };
}

/** What each kind of request needs from its provider. */
export const CAPABILITY_OF_KIND = {
  'group.add': 'groups',
  'group.remove': 'groups',
  'key.rotate': 'keys',
  'mfa.reset': 'mfa',
} as const satisfies Record<string, keyof Capabilities>;

/**
 * The capability an operation needs, or an `unsupported` failure: submissions of such items are refused
 * (workflow/service.ts), so only a policy changed under an open request gets here.
 */
export function capability<C extends keyof Capabilities>(provider: Provider, name: C): NonNullable<Provider[C]> {
  const found = provider[name];
  if (found === undefined)
    throw new ProviderError('unsupported', `${provider.id} (${provider.type}) has no ${CAPABILITY_NAMES[name]}.`);
  return found as NonNullable<Provider[C]>;
}

/** What each capability is called in messages. */
export const CAPABILITY_NAMES: Record<keyof Capabilities, string> = {
  groups: 'group membership',
  keys: 'key rotation',
  mfa: 'MFA reset',
};

export type PrincipalKind = 'user' | 'service';

interface ProviderErrorDetails {
  providerRequestId?: string;
  retryAfterMs?: number;
  /** The call may or may not have taken effect (a timeout on a request that is not idempotent). */
  uncertain?: boolean;
}

/** Longest provider message kept: enough for any real explanation, short enough for a Slack line. */
export const MAX_PROVIDER_MESSAGE = 500;
const MAX_PROVIDER_REQUEST_ID = 200;

export class ProviderError extends IamBotError<`provider_${ProviderErrorKind}`> {
  readonly providerRequestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly uncertain: boolean;

  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    details: ProviderErrorDetails = {},
  ) {
    // Where a provider's words enter the system: a body echoing a credential, or megabytes of HTML,
    // stops here (the store, log, audit and Slack writers scrub again as a last line of defence).
    super(`provider_${kind}`, boundText(scrubText(message), MAX_PROVIDER_MESSAGE));
    this.name = 'ProviderError';
    this.providerRequestId =
      details.providerRequestId === undefined
        ? undefined
        : boundText(scrubText(details.providerRequestId), MAX_PROVIDER_REQUEST_ID);
    this.retryAfterMs = details.retryAfterMs;
    this.uncertain = details.uncertain ?? false;
  }
}

export type ProviderRegistry = ReadonlyMap<string, Provider>;
