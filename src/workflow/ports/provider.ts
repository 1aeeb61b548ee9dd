/**
 * The Provider port: what the workflow needs from a cloud IAM API. Adapters translate their wire
 * protocol to these calls and their errors to `ProviderError` kinds. Secrets come back wrapped in `Secret`.
 */
import type { ProviderErrorKind } from '../../domain/request.ts';
import type { Secret } from '../../domain/secret.ts';
import { boundText, scrubText } from '../../domain/scrub.ts';
import { IamBotError } from '../../shared/errors.ts';

export interface Capabilities {
  groupMembership: boolean;
  keyRotation: boolean;
  mfaReset: boolean;
}

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
  /** Where the fact comes from (WIRE.md, the provider's docs, recorded traffic). */
  source: string;
}

export interface Provider {
  readonly id: string;
  readonly type: string;
  readonly capabilities: Capabilities;
  readonly consistency: Consistency;
  /** Groups whose name matches `search` (all when empty), for pickers. */
  listGroups(search?: string): Promise<GroupRef[]>;
  /**
   * The provider principal named by an identity. `user` (default): a person, by the email or name the
   * policy's identity rules give. `service`: the service principal a catalog item names for key
   * rotation (a Scaleway application, an Outscale/JCS user used by CI, a Cloudflare account token).
   */
  resolvePrincipal(identity: string, as?: PrincipalKind): Promise<PrincipalRef>;
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
  listKeys(principal: PrincipalRef): Promise<KeyInfo[]>;
  createKey(principal: PrincipalRef): Promise<CreatedKey>;
  deactivateKey(principal: PrincipalRef, keyId: string): Promise<CallResult>;
  deleteKey(principal: PrincipalRef, keyId: string): Promise<CallResult>;
  resetMfa(principal: PrincipalRef): Promise<CallResult>;
  /**
   * Whether the principal still has the MFA device a reset removes: how a reset is read back. `unsupported`
   * where `resetMfa` is.
   */
  mfaEnrolled(principal: PrincipalRef): Promise<boolean>;
  /** One cheap read-only call that proves the endpoint answers and the credentials are accepted. */
  probe(): Promise<CallResult>;
  /** Releases the connection pool. */
  close(): Promise<void>;
}

export type PrincipalKind = 'user' | 'service';

export interface ProviderErrorDetails {
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
