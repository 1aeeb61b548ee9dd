/** A request and its states. Times are epoch milliseconds. */
import type { IdentityRule, RequestKind } from './policy.ts';

export type Operation =
  /** `extends`: the id of an active grant whose end this request moves later, instead of a grant of its own. */
  | { kind: 'group.add'; group: string; durationMs?: number; extends?: string }
  | { kind: 'group.remove'; group: string }
  | { kind: 'key.rotate'; principal?: string }
  | { kind: 'mfa.reset' };

/** The provider error kinds a failure can carry (see providers/). */
export type ProviderErrorKind =
  | 'not_found'
  | 'already_member'
  | 'not_member'
  | 'limit_exceeded'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable'
  | 'invalid_request'
  | 'unsupported'
  | 'internal';

/**
 * Why a request failed: a provider error, a new secret nobody revealed in time, or a change the provider
 * acknowledged that its own reads do not show (`unverified`).
 */
export type FailureKind = ProviderErrorKind | 'secret_expired' | 'unverified';

export interface FailureInfo {
  kind: FailureKind;
  message: string;
  providerRequestId?: string;
}

/** A change read back from the provider after it was made: the post-condition held. */
export interface Verification {
  /** The post-condition, e.g. "alice is a member of devs". */
  expected: string;
  /** What the provider's own API answered. */
  observed: string;
  /** When the read that showed it was made (ISO 8601). */
  at: string;
  /** How many reads it took (more than one where the provider shows changes late). */
  reads: number;
}

/** What a provider operation left behind, without secrets. */
export interface Outcome {
  summary: string;
  providerRequestId?: string;
  /** Key rotation: the id of the new key (never its secret). */
  newKeyId?: string;
  /**
   * Group access: whether the membership is the bot's doing (added by this grant, or by an overlapping
   * grant it continues). A membership the person already had is left as found when the grant ends.
   */
  membershipAdded?: boolean;
  /** What people must know that the usual words for the kind would hide (an MFA reset that found no device). */
  note?: string;
  /** The post-conditions read back from the provider after its changes. */
  verified?: readonly Verification[];
}

export type Status =
  | {
      state: 'pending';
      stage: number;
      expiresAt: number;
      /** When the current stage began waiting (reminders and escalation count from here). */
      stageSince?: number;
      remindedAt?: number;
      /** The set asked on top of the stage's own, once nobody decided in time. */
      escalatedTo?: string;
    }
  | { state: 'approved'; at: number }
  | {
      state: 'executing';
      at: number;
      attempt: number;
      rotation?: Rotation;
      /** Group access: whether the person was a member before the bot acted, read once before adding. */
      memberBefore?: boolean;
    }
  | {
      state: 'completed';
      at: number;
      outcome: Outcome;
      grantExpiresAt?: number;
      warnedAt?: number;
      extendedBy?: readonly string[];
    }
  | {
      state: 'revoking';
      at: number;
      trigger: RevokeTrigger;
      attempt: number;
      /** After a failed attempt: when to try again. */
      retryAt?: number;
      lastError?: FailureInfo;
      /** The policy's admins were told the revoke keeps failing. */
      escalated?: boolean;
      /** The membership was there before the grant: ending the grant leaves it as found. */
      leaveAsFound?: boolean;
      /** Trigger `removed`: the ref of the access review's removal request that took the member out. */
      removedBy?: string;
    }
  | { state: 'revoked'; at: number; outcome: Outcome }
  | {
      state: 'failed';
      at: number;
      step: 'execute' | 'revoke';
      error: FailureInfo;
      /** A key rotation that failed retiring the old keys or rolling back the new one: a retry resumes here. */
      rotation?: Extract<Rotation, { step: 'retire' | 'rollback' }>;
    }
  | { state: 'denied'; at: number; by: string; reason: string }
  | { state: 'cancelled'; at: number; by: string }
  | { state: 'expired'; at: number };

export type State = Status['state'];

/**
 * A key rotation's progress while executing. Each step is persisted before the provider call it leads
 * to, so a restart knows exactly what may have happened:
 *  - `create`: the keys that existed before are recorded; a key outside them after a crash is an orphan.
 *  - `reveal`: the new key exists; its secret waits in memory for the owner until `revealBy`.
 *  - `confirm`: revealed; waiting for the owner to say their systems use the new key, until `confirmBy`.
 *    At that deadline the old keys are retired anyway (the owner holds the new key, and the rotation was
 *    approved to end the old one); the owner is told the deadline and its outcome when they reveal.
 *  - `retire`: deactivating or deleting the old keys (`trigger`: the owner confirmed, or the deadline passed).
 *  - `rollback`: never revealed in time (or lost in a restart): deleting the new key, keeping the old.
 */
export type Rotation =
  | { step: 'create'; oldKeyIds: readonly string[] }
  | { step: 'reveal'; oldKeyIds: readonly string[]; newKeyId: string; revealBy: number }
  | { step: 'confirm'; oldKeyIds: readonly string[]; newKeyId: string; confirmBy: number }
  | { step: 'retire'; oldKeyIds: readonly string[]; newKeyId: string; trigger?: 'confirmed' | 'deadline' }
  | { step: 'rollback'; oldKeyIds: readonly string[]; newKeyId: string; reason: 'expired' | 'lost' };
/**
 * Why a grant ends: its period ran out, its holder (or an admin) released it early, or an access review
 * removed the member from the group, which ends every timed grant of that group to them.
 */
export type RevokeTrigger = 'expired' | 'released' | 'removed';

/** How long a key owner has, by default, to confirm a revealed key is in use before the old keys go anyway. */
export const DEFAULT_CONFIRM_WITHIN_MS = 24 * 3_600_000;

export const STATES: readonly State[] = [
  'pending',
  'approved',
  'executing',
  'completed',
  'revoking',
  'revoked',
  'failed',
  'denied',
  'cancelled',
  'expired',
];

/** Where a break-glass review stands: awaited (reminded, then escalated at its deadline), or done. */
type BreakGlassReview =
  | { state: 'awaiting'; remindedAt?: number; escalatedAt?: number }
  | { state: 'confirmed'; by: string; at: number }
  | { state: 'flagged'; by: string; at: number; reason: string };

/** A request carried out at once because its requester declared an emergency, reviewed afterwards. */
export interface BreakGlass {
  /** The set whose members review it, copied from the item. */
  reviewers: string;
  /** When the review is due; past it, unreviewed, the admins are told. */
  reviewBy: number;
  review: BreakGlassReview;
}

export interface Approval {
  stage: number;
  /** The approver's Slack id; `system` for a rule. */
  by: string;
  at: number;
  /** Set when an auto-approval rule passed the stage: the rule's name. */
  rule?: string;
}

export interface Request {
  id: string;
  number: number;
  ref: string;
  /** Incremented on every stored change; the store's compare-and-set key. */
  version: number;
  itemId: string;
  provider: string;
  operation: Operation;
  requester: string;
  reason: string;
  /** Identifies the form it was submitted from (a Slack view id), so a double submission creates one request. */
  submissionKey?: string;
  createdAt: number;
  updatedAt: number;
  /** The provider account it acts on, fixed at submission. Absent on requests stored by earlier releases. */
  target?: RequestTarget;
  /** Approval stages, copied from the catalog item at submission. */
  stages: readonly { set: string; quorum: number }[];
  /** Copied from the catalog item: one person may approve several stages (otherwise at most one). */
  sameApproverAcrossStages?: boolean;
  approvals: readonly Approval[];
  status: Status;
  /** Set on an emergency request: granted without approval, reviewed after. */
  breakGlass?: BreakGlass;
}

/**
 * The exact provider principal a request touches, and how it was found: approvers see this, and the
 * executor acts on this account — not on whatever the requester's email says later.
 */
export interface RequestTarget {
  principal: string;
  /**
   * `service`: the catalog item names a service principal (a key rotation of a CI key). `listed`: a member
   * the provider listed in the group (an access review's removal): acted on by `id`, as listed.
   */
  rule: IdentityRule | 'service' | 'listed';
  /** `listed`: the provider's id of the principal, as the group's member list gave it. */
  id?: string;
  /** The requester's Slack email it was derived from (email rules). */
  email?: string;
}

export function kindOf(request: Request): RequestKind {
  return request.operation.kind;
}

/**
 * Closed requests never change again, so the store may archive them. A completed timed grant is still
 * open: it has a revoke ahead of it; so is a break-glass request awaiting its review.
 */
export function isClosed(request: Request): boolean {
  // An emergency stays in play until someone reviewed it, whatever became of the access.
  if (request.breakGlass?.review.state === 'awaiting') return false;
  switch (request.status.state) {
    case 'denied':
    case 'cancelled':
    case 'expired':
    case 'revoked':
      return true;
    case 'completed':
      return request.status.grantExpiresAt === undefined;
    default:
      return false;
  }
}
