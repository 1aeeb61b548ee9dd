/**
 * The policy model: what can be requested, by whom, and who must approve it. Loaded and validated by
 * `config/`; evaluated here without I/O. Membership of dynamic sets (a Slack user group, the requester's
 * manager) is resolved by the caller at decision time and passed in as facts.
 */
import type { RequestTarget } from './request.ts';

export const REQUEST_KINDS = ['group.add', 'group.remove', 'key.rotate', 'mfa.reset'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** A named set of people. A person is in it when any of its rules matches. */
export interface PeopleSet {
  name: string;
  users: readonly string[];
  usergroups: readonly string[];
  /** The requester's manager belongs to the set. */
  manager: boolean;
}

export interface Stage {
  set: string;
  quorum: number;
}

export interface CatalogItem {
  id: string;
  title: string;
  provider: string;
  kind: RequestKind;
  /** Provider group for `group.add` / `group.remove`. */
  group?: string;
  /** Service principal whose key is rotated; absent means the requester's own key. */
  principal?: string;
  stages: readonly Stage[];
  /** Separation of duties is the default: one person approves at most one stage, unless this is true. */
  sameApproverAcrossStages?: boolean;
  /** Cap on a `group.add` duration, in ms. Absent only on a `permanent` item. */
  maxDurationMs?: number;
  /** The duration a `group.add` request without one gets, in ms (at most `maxDurationMs`). */
  defaultDurationMs?: number;
  /** A `group.add` whose author chose access with no end: a request without a duration is permanent. */
  permanent?: boolean;
  requireReason: boolean;
  /** Names of sets allowed to request; absent means everyone. */
  requesters?: readonly string[];
  /** Channel where approval messages go instead of DMs. */
  channel?: string;
  /** The set that may also decide a stage nobody decided in time; absent: the policy's admins. */
  escalateTo?: string;
  /** Rules that may pass the first stage without a person (the first whose conditions hold applies). */
  autoApprove?: readonly AutoApproveRule[];
  /** Emergency access without approval, reviewed after; group access only, never an MFA reset. */
  breakGlass?: BreakGlassPolicy;
}

/**
 * Break-glass: a person who declares an emergency (with a reason) gets the item's access at once, for a
 * short time, and named reviewers confirm or flag it afterwards; unreviewed by the deadline, or flagged,
 * it goes to the admins.
 */
export interface BreakGlassPolicy {
  /** The longest access one emergency grants (also what it gets when no duration is given). */
  maxDurationMs: number;
  /** The set whose members review each use; never the requester. */
  reviewers: string;
  /** How long after the emergency its review is due. */
  reviewWithinMs: number;
  /** At most `uses` emergencies per person in any `perMs`. */
  limit: { uses: number; perMs: number };
}

/** Break-glass access is short: no item may grant more at once. */
export const MAX_BREAK_GLASS_MS = 4 * 3_600_000;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Local times of day on some weekdays, in an IANA time zone. `to` before `from` spans midnight (the day
 * is the one the window opens on); `from` equal to `to` is the whole day.
 */
export interface TimeWindow {
  days: readonly Weekday[];
  /** Minutes after local midnight. */
  fromMinute: number;
  toMinute: number;
  timezone: string;
}

/**
 * A rule that approves a catalog item's first stage at once, when the request meets every condition it
 * sets and the requester has uses left in the cap's period. Only the first stage: a later stage always
 * needs people, so a rule never approves alone what the policy asks several parties for.
 */
export interface AutoApproveRule {
  name: string;
  /** The requester must belong to one of these sets; absent: anyone who may request the item. */
  requesters?: readonly string[];
  /** The longest group access it approves; a request with no end never passes a rule that sets one. */
  maxDurationMs?: number;
  window?: TimeWindow;
  /** At most `uses` approvals by this rule per person in any `perMs`. */
  cap: { uses: number; perMs: number };
}

export interface RequestSettings {
  /** How long a request may stay pending before it expires. */
  pendingTtlMs: number;
  /** Longest free text a person may enter (reasons, notes). */
  maxReasonLength: number;
  /** At most `count` submissions per person in any `windowMs`. */
  submissionLimit: { count: number; windowMs: number };
  /** A waiting stage's approvers are reminded after this long… */
  remindAfterMs: number;
  /** …and the escalation set is asked too after this long. */
  escalateAfterMs: number;
}

interface GrantSettings {
  /** How long before a timed grant ends its holder is warned. */
  warnBeforeMs: number;
  /** How often groups with timed grants are reconciled against the provider. */
  sweepEveryMs: number;
  /** Whether the sweep removes members no grant explains (otherwise it reports them). */
  removeUnexplained: boolean;
}

export interface Policy {
  /** Provider instance id → provider type (`jcs`, `cloudflare`, `scaleway`, `outscale`). */
  providers: Readonly<Record<string, string>>;
  sets: Readonly<Record<string, PeopleSet>>;
  /** Name of the set whose members may retry failed requests and cancel any request. */
  admins?: string;
  catalog: readonly CatalogItem[];
  requests: RequestSettings;
  grants: GrantSettings;
  identity: IdentityPolicy;
  /** Slack user id → their manager's Slack user id, when the policy keeps the directory itself. */
  managers: Readonly<Record<string, string>>;
  /** Slack profile field id holding the manager, when the directory lives in Slack profiles. */
  managerField?: string;
  audit: AuditSettings;
  /** Access reviews of catalog items' groups (the `reviews:` section); absent: none. */
  reviews?: readonly ReviewPolicy[];
}

/** Who reviews a catalog item's group, how long they have, and how often it is reviewed by itself. */
export interface ReviewPolicy {
  itemId: string;
  /** The set whose members review (users and Slack user groups; never `manager`, a review has no requester). */
  reviewers: string;
  /** A review is open this long; what is undecided then is reported, never removed. */
  deadlineMs: number;
  /** Reviewers with members still to decide are reminded this long after the start. */
  remindAfterMs: number;
  /** A new review starts this long after the last one began (absent: only when asked). */
  everyMs?: number;
}

export const DEFAULT_REVIEW_DEADLINE_MS = 7 * 24 * 3_600_000;

interface AuditSettings {
  /** The Slack channel of audit threads and checkpoints. */
  channel?: string;
  /** How often the chain head is posted to the audit channel as a checkpoint (default DEFAULT_CHECKPOINT_EVERY_MS). */
  checkpointEveryMs?: number;
}

export const DEFAULT_CHECKPOINT_EVERY_MS = 3_600_000;

export const DEFAULT_REQUEST_SETTINGS: RequestSettings = {
  pendingTtlMs: 24 * 3_600_000,
  maxReasonLength: 1_000,
  submissionLimit: { count: 10, windowMs: 60_000 },
  remindAfterMs: 4 * 3_600_000,
  escalateAfterMs: 12 * 3_600_000,
};

export const DEFAULT_GRANT_SETTINGS: GrantSettings = {
  warnBeforeMs: 15 * 60_000,
  sweepEveryMs: 3_600_000,
  removeUnexplained: false,
};

/** Facts about one person relative to one request, resolved by the caller at the moment of the decision. */
export interface MembershipFacts {
  /** The requester's manager, if known. */
  managerOfRequester?: string;
  /** Slack user groups the person belongs to. */
  usergroupsOfPerson: readonly string[];
}

export function isInSet(set: PeopleSet, person: string, facts: MembershipFacts): boolean {
  if (set.users.includes(person)) return true;
  if (set.manager && facts.managerOfRequester === person) return true;
  return set.usergroups.some((g) => facts.usergroupsOfPerson.includes(g));
}

export function findItem(policy: Policy, id: string): CatalogItem | undefined {
  return policy.catalog.find((item) => item.id === id);
}

/** How a Slack user is named on a provider. */
export type IdentityRule = 'email' | 'email-local-part' | 'map';

interface IdentityPolicy {
  default: IdentityRule;
  /** Provider instance id → rule, overriding the default. */
  providers: Readonly<Record<string, IdentityRule>>;
  /** Slack user id → provider instance id → provider principal. Consulted first under every rule. */
  map: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * Email domains (lower case) whose addresses may name provider accounts. Required for
   * `email-local-part` — otherwise alice@partner.example would become the provider user alice — and,
   * when set, enforced for `email` too.
   */
  domains?: readonly string[];
}

export type PrincipalResult = ({ ok: true } & RequestTarget) | { ok: false; message: string };

/** How a Slack user belongs to the workspace: guests and strangers (another organisation) never derive an account from an email. */
export type Standing = 'member' | 'guest' | 'stranger';

/**
 * The provider account a request by `requester` for `item` acts on: the item's service principal, or
 * the requester's own account under the identity rules.
 */
export function targetFor(
  identity: IdentityPolicy,
  item: CatalogItem,
  requester: string,
  email: string | undefined,
  standing: Standing = 'member',
): PrincipalResult {
  if (item.kind === 'key.rotate' && item.principal !== undefined)
    return { ok: true, principal: item.principal, rule: 'service' };
  return principalFor(identity, item.provider, requester, email, standing);
}

/** The provider principal of a Slack user, from the policy's identity rules and the user's profile email. */
export function principalFor(
  identity: IdentityPolicy,
  provider: string,
  slackUser: string,
  email: string | undefined,
  standing: Standing = 'member',
): PrincipalResult {
  const mapped = identity.map[slackUser]?.[provider];
  if (mapped) return { ok: true, principal: mapped, rule: 'map' };
  const rule = identity.providers[provider] ?? identity.default;
  if (rule === 'map')
    return { ok: false, message: `No ${provider} account is mapped to you in the policy's identity map.` };
  if (standing !== 'member') {
    const who = standing === 'guest' ? 'a guest of this Slack workspace' : 'a user of another organisation';
    return {
      ok: false,
      message: `You are ${who}, so your email does not name a ${provider} account. Ask an IAM admin to map your account in the policy's identity map.`,
    };
  }
  if (!email)
    return { ok: false, message: `Your Slack profile has no email, so your ${provider} account cannot be found.` };
  const at = email.lastIndexOf('@');
  const local = at > 0 ? email.slice(0, at) : '';
  const domain = email.slice(at + 1).toLowerCase();
  if (!local || !domain)
    return {
      ok: false,
      message: `Your Slack email ${email} is not an address your ${provider} account can be found by.`,
    };
  const domains = identity.domains ?? [];
  if (rule === 'email-local-part' && domains.length === 0) {
    return {
      ok: false,
      message: `The policy names no email domains for ${provider}'s email-local-part rule, so no ${provider} account can be derived from an email.`,
    };
  }
  // A guest, a Slack Connect partner or a second domain must not borrow the account of a namesake.
  if (domains.length > 0 && !domains.includes(domain)) {
    return {
      ok: false,
      message: `Your Slack email ${email} is not in ${domains.join(', ')}, so it does not name a ${provider} account. Ask an IAM admin to map your account in the policy's identity map.`,
    };
  }
  const exact = `${local}@${domain}`;
  return rule === 'email'
    ? { ok: true, principal: exact, rule, email: exact }
    : { ok: true, principal: local, rule, email: exact };
}
