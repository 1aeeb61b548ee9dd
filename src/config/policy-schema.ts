/**
 * The shape of the policy file (README, "The policy file") as zod schemas. The output stays close to what was
 * written (a stage is still a name or `{ set, quorum }`) so later checks can point at the exact node;
 * `build-policy.ts` turns it into the domain `Policy`. Every object is strict: an unknown key is most
 * often a typo, and a silently ignored `quorom: 2` would weaken an approval.
 */
import { z } from 'zod';
import {
  DEFAULT_CHECKPOINT_EVERY_MS,
  DEFAULT_REVIEW_DEADLINE_MS,
  DEFAULT_GRANT_SETTINGS,
  DEFAULT_REQUEST_SETTINGS,
  MAX_BREAK_GLASS_MS,
  REQUEST_KINDS,
  WEEKDAYS,
} from '../domain/policy.ts';
import { formatDuration } from '../domain/duration.ts';
import { isKnownTimezone } from '../domain/auto-approval.ts';
import { providerSchema } from '../providers/registry.ts';
import { durationSchema, text } from './fields.ts';

/** Slack's plain-text inputs cannot take more. */
export const MAX_REASON_LENGTH_LIMIT = 3_000;

// ---- small field schemas --------------------------------------------------------------------------

/** Names people reference elsewhere in the file (providers, sets, catalog ids). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const nameSchema = (what: string) =>
  z.string().regex(NAME, `expected a ${what} made of letters, digits, '.', '_' and '-'`);

// Slack ids rather than names or emails: ids never change, and a handle in the wrong place is a typo.
const slackUserId = z.string().regex(/^[UW][A-Z0-9]+$/, 'expected a Slack user id like U0123ABCD');
const slackUsergroupId = z.string().regex(/^S[A-Z0-9]+$/, 'expected a Slack user group id like S0123ABCD');
// chat.update (the audit thread, stale buttons) only takes channel ids, not names.
const slackChannelId = z.string().regex(/^[CG][A-Z0-9]+$/, 'expected a Slack channel id like C0123ABCD');

const quorumSchema = z.int().min(1, 'must be at least 1');

// ---- providers ------------------------------------------------------------------------------------

// Each provider's section is declared by its descriptor (src/providers/<type>/settings.ts); registry.ts lists them.
export { providerSchema };

// ---- identity and directory -----------------------------------------------------------------------

const identityRuleSchema = z.enum(['email', 'email-local-part', 'map']);

export const identitySchema = z.strictObject({
  default: identityRuleSchema.default('email'),
  /** Provider id → rule; the ids are checked against `providers` later. */
  providers: z.record(z.string(), identityRuleSchema).default({}),
  /** Slack user → provider id → principal. */
  map: z.record(slackUserId, z.record(z.string(), text)).default({}),
  /** Email domains whose addresses may name provider accounts; required when a rule is email-local-part. */
  domains: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'expected an email domain like example.com (no @)'),
    )
    .min(1, 'name at least one domain')
    .optional(),
});

const directorySchema = z.strictObject({
  /** Slack user → their manager. */
  managers: z.record(slackUserId, slackUserId).default({}),
  /** Slack profile field id holding the manager. */
  managerField: text.optional(),
});

// ---- approver sets --------------------------------------------------------------------------------

export const approverSetSchema = z
  .strictObject({
    users: z.array(slackUserId).optional(),
    usergroup: slackUsergroupId.optional(),
    usergroups: z.array(slackUsergroupId).optional(),
    manager: z.boolean().optional(),
  })
  .refine(
    (set) => (set.users?.length ?? 0) + (set.usergroups?.length ?? 0) > 0 || !!set.usergroup || set.manager === true,
    {
      message: 'needs at least one rule: users, usergroup(s) or manager: true',
      // Only judge a set that is otherwise well formed: `user: [U1]` is already reported as an unknown key.
      when: (payload) => payload.issues.length === 0,
    },
  )
  .transform((set) => ({
    users: [...new Set(set.users ?? [])],
    usergroups: [...new Set([...(set.usergroup ? [set.usergroup] : []), ...(set.usergroups ?? [])])],
    manager: set.manager ?? false,
  }));

// ---- catalog --------------------------------------------------------------------------------------

const setNameSchema = nameSchema('set name');

export const stageSchema = z.union(
  [setNameSchema, z.strictObject({ set: setNameSchema, quorum: quorumSchema.optional() })],
  {
    error: 'expected a set name or { set: <name>, quorum: <n> }',
  },
);

const timeOfDaySchema = z
  .string({ error: 'expected a time like 09:00 (24-hour clock)' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time like 09:00 (24-hour clock)')
  .transform((value) => Number(value.slice(0, 2)) * 60 + Number(value.slice(3)));

/** A window is read in a zone its author states: the server's own zone would move it with the deployment. */
const timeWindowSchema = z.strictObject({
  /** Absent: every day. */
  days: z
    .array(z.enum(WEEKDAYS, { error: `expected a day among ${WEEKDAYS.join(', ')}` }))
    .min(1, 'name at least one day, or leave days out for every day')
    .optional(),
  from: timeOfDaySchema,
  /** Before `from`: the window runs past midnight. */
  to: timeOfDaySchema,
  timezone: z
    .string({ error: 'expected an IANA time zone like Europe/Paris or UTC' })
    .refine(isKnownTimezone, 'expected an IANA time zone like Europe/Paris or UTC'),
});

export const autoApproveRuleSchema = z.strictObject({
  /** Named in the audit log and the thread: "approved by rule <name>". */
  name: nameSchema('rule name'),
  /** The requester must be in one of these sets; absent: anyone who may request the item. */
  requesters: z.array(setNameSchema).min(1, 'name at least one set, or leave requesters out').optional(),
  maxDuration: durationSchema.optional(),
  window: timeWindowSchema.optional(),
  /** Required: a rule with no cap would approve without end. */
  cap: z.strictObject({ uses: z.int().min(1, 'must be at least 1'), per: durationSchema }),
});

/**
 * Break-glass: emergency access without approval, reviewed afterwards. Every field is required: a short
 * cap, who reviews, by when, and how often one person may use it (README, "Break-glass").
 */
export const breakGlassSchema = z.strictObject({
  maxDuration: durationSchema.refine((ms) => ms <= MAX_BREAK_GLASS_MS, {
    error: `must be at most ${formatDuration(MAX_BREAK_GLASS_MS)}: break-glass access is short; ask through the approvers for longer`,
  }),
  reviewers: setNameSchema,
  reviewWithin: durationSchema,
  rateLimit: z.strictObject({ uses: z.int().min(1, 'must be at least 1'), per: durationSchema }),
});

/**
 * The request modal offers each catalog item as a Slack option whose value is the item's id, and Slack
 * refuses an option value over 150 characters (docs/slack.md): a longer id could never be picked. Names and
 * titles are cut for display instead; an id cannot be.
 */
const MAX_CATALOG_ID_LENGTH = 150;

export const catalogItemSchema = z.strictObject({
  id: nameSchema('catalog id').refine((id) => id.length <= MAX_CATALOG_ID_LENGTH, {
    error: (issue) =>
      `must be at most ${MAX_CATALOG_ID_LENGTH} characters: Slack refuses a longer option value in the request modal (this one has ${String(issue.input).length})`,
  }),
  title: text.optional(),
  provider: z.string(),
  kind: z.enum(REQUEST_KINDS),
  group: text.optional(),
  principal: text.optional(),
  /** Stages, in order; all must pass. */
  approvers: z.array(stageSchema).min(1, 'needs at least one approver stage'),
  /** Quorum of the stages that do not set their own. */
  quorum: quorumSchema.optional(),
  maxDuration: durationSchema.optional(),
  /** A group.add with no maxDuration must say so: permanent access is never granted by leaving a line out. */
  permanent: z.boolean().optional(),
  /** What a group.add request without a duration gets; at most maxDuration. */
  defaultDuration: durationSchema.optional(),
  requireReason: z.boolean().default(false),
  requesters: z
    .array(setNameSchema)
    .min(1, 'needs at least one set; leave requesters out to let everyone request')
    .optional(),
  channel: slackChannelId.optional(),
  /** Who may also decide once a stage waited `requests.escalateAfter` (default: the admins set). */
  escalateTo: setNameSchema.optional(),
  /** Separation of duties: by default one person approves at most one stage; true lets one person pass several. */
  sameApproverAcrossStages: z.boolean().default(false),
  /** Rules that may pass the first stage at once; the first whose conditions hold and cap allows applies. */
  autoApprove: z.array(autoApproveRuleSchema).min(1, 'name at least one rule, or leave autoApprove out').optional(),
  /** Emergency access at once, reviewed after (group.add only). */
  breakGlass: breakGlassSchema.optional(),
});

// ---- the file -------------------------------------------------------------------------------------

const requestsSchema = z.strictObject({
  ttl: durationSchema.default(DEFAULT_REQUEST_SETTINGS.pendingTtlMs),
  maxReasonLength: z
    .int()
    .min(1, 'must be at least 1')
    .max(MAX_REASON_LENGTH_LIMIT, `must be at most ${MAX_REASON_LENGTH_LIMIT} (Slack's input limit)`)
    .default(DEFAULT_REQUEST_SETTINGS.maxReasonLength),
  /** Submissions one person may make per window: a runaway script or a bored person cannot flood approvers. */
  rateLimit: z
    .strictObject({
      submissions: z.int().min(1, 'must be at least 1'),
      per: durationSchema,
    })
    .default({
      submissions: DEFAULT_REQUEST_SETTINGS.submissionLimit.count,
      per: DEFAULT_REQUEST_SETTINGS.submissionLimit.windowMs,
    }),
  /** A stage's approvers are reminded after this long, and the escalation set asked after `escalateAfter`. */
  remindAfter: durationSchema.default(DEFAULT_REQUEST_SETTINGS.remindAfterMs),
  escalateAfter: durationSchema.default(DEFAULT_REQUEST_SETTINGS.escalateAfterMs),
});

const grantsSchema = z.strictObject({
  /** How long before a timed grant ends its holder is warned (with an Extend button). */
  warnBefore: durationSchema.default(DEFAULT_GRANT_SETTINGS.warnBeforeMs),
  /**
   * The reconciliation sweep of groups with timed grants: how often, and whether a member no grant
   * explains is removed (default: only reported to the audit channel).
   */
  sweepEvery: durationSchema.default(DEFAULT_GRANT_SETTINGS.sweepEveryMs),
  removeUnexplained: z.boolean().default(false),
});

const auditSchema = z.strictObject({
  channel: slackChannelId.optional(),
  /** How often the chain head is posted to the audit channel, for `audit verify --checkpoint`. */
  checkpointEvery: durationSchema.default(DEFAULT_CHECKPOINT_EVERY_MS),
});

/**
 * An access review of a catalog item's group: its reviewers keep or remove each member. Kept as a section
 * of its own (not a field of the item) so an item's approval rules and its reviews are read apart.
 */
export const reviewSchema = z.strictObject({
  item: nameSchema('catalog id'),
  reviewers: setNameSchema,
  deadline: durationSchema.default(DEFAULT_REVIEW_DEADLINE_MS),
  /** Default: half the deadline. */
  remindAfter: durationSchema.optional(),
  /** Start one by itself this long after the last began; absent: only `iam-bot review start`. */
  every: durationSchema.optional(),
});

export const policyFileSchema = z.strictObject({
  providers: z.record(nameSchema('provider id'), providerSchema),
  identity: identitySchema.prefault({}),
  directory: directorySchema.prefault({}),
  approvers: z.record(setNameSchema, approverSetSchema),
  admins: setNameSchema.optional(),
  catalog: z.array(catalogItemSchema).min(1, 'needs at least one item'),
  requests: requestsSchema.prefault({}),
  grants: grantsSchema.prefault({}),
  audit: auditSchema.prefault({}),
  reviews: z.array(reviewSchema).default([]),
});

export type PolicyFile = z.output<typeof policyFileSchema>;
export type { ProviderConfig } from '../providers/registry.ts';
export type IdentityConfig = z.output<typeof identitySchema>;
export type ApproverSetConfig = z.output<typeof approverSetSchema>;
export type StageConfig = z.output<typeof stageSchema>;
export type CatalogItemConfig = z.output<typeof catalogItemSchema>;
export type AutoApproveRuleConfig = z.output<typeof autoApproveRuleSchema>;
export type BreakGlassConfig = z.output<typeof breakGlassSchema>;
export type ReviewConfig = z.output<typeof reviewSchema>;
