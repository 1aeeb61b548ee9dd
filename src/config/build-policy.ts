/**
 * A validated policy file → the domain `Policy`: stages with their effective quorum, titles defaulted,
 * optional fields omitted rather than set to undefined.
 */
import {
  WEEKDAYS,
  type AutoApproveRule,
  type CatalogItem,
  type PeopleSet,
  type Policy,
  type Stage,
} from '../domain/policy.ts';
import type { AutoApproveRuleConfig, CatalogItemConfig, PolicyFile } from './policy-schema.ts';

export function buildPolicy(file: PolicyFile): Policy {
  const policy: Policy = {
    providers: Object.fromEntries(Object.entries(file.providers).map(([id, provider]) => [id, provider.type])),
    sets: Object.fromEntries(
      Object.entries(file.approvers).map(([name, set]): [string, PeopleSet] => [
        name,
        { name, users: set.users, usergroups: set.usergroups, manager: set.manager },
      ]),
    ),
    catalog: file.catalog.map(buildItem),
    requests: {
      pendingTtlMs: file.requests.ttl,
      maxReasonLength: file.requests.maxReasonLength,
      submissionLimit: { count: file.requests.rateLimit.submissions, windowMs: file.requests.rateLimit.per },
      remindAfterMs: file.requests.remindAfter,
      escalateAfterMs: file.requests.escalateAfter,
    },
    grants: {
      warnBeforeMs: file.grants.warnBefore,
      sweepEveryMs: file.grants.sweepEvery,
      removeUnexplained: file.grants.removeUnexplained,
    },
    identity: {
      default: file.identity.default,
      providers: file.identity.providers,
      map: file.identity.map,
      ...(file.identity.domains ? { domains: file.identity.domains } : {}),
    },
    managers: file.directory.managers,
    audit: {
      ...(file.audit.channel !== undefined ? { channel: file.audit.channel } : {}),
      checkpointEveryMs: file.audit.checkpointEvery,
    },
  };
  if (file.admins !== undefined) policy.admins = file.admins;
  if (file.reviews.length > 0)
    policy.reviews = file.reviews.map((r) => ({
      itemId: r.item,
      reviewers: r.reviewers,
      deadlineMs: r.deadline,
      remindAfterMs: r.remindAfter ?? Math.floor(r.deadline / 2),
      ...(r.every !== undefined ? { everyMs: r.every } : {}),
    }));
  if (file.directory.managerField !== undefined) policy.managerField = file.directory.managerField;
  return policy;
}

function buildItem(config: CatalogItemConfig): CatalogItem {
  // An item-level quorum is the default for stages that do not set their own.
  const stages = config.approvers.map((stage): Stage =>
    typeof stage === 'string'
      ? { set: stage, quorum: config.quorum ?? 1 }
      : { set: stage.set, quorum: stage.quorum ?? config.quorum ?? 1 },
  );
  const item: CatalogItem = {
    id: config.id,
    title: config.title ?? config.id,
    provider: config.provider,
    kind: config.kind,
    stages,
    requireReason: config.requireReason,
  };
  if (config.group !== undefined) item.group = config.group;
  if (config.principal !== undefined) item.principal = config.principal;
  if (config.maxDuration !== undefined) item.maxDurationMs = config.maxDuration;
  if (config.defaultDuration !== undefined) item.defaultDurationMs = config.defaultDuration;
  if (config.permanent === true) item.permanent = true;
  if (config.escalateTo !== undefined) item.escalateTo = config.escalateTo;
  if (config.requesters !== undefined) item.requesters = config.requesters;
  if (config.channel !== undefined) item.channel = config.channel;
  if (config.sameApproverAcrossStages) item.sameApproverAcrossStages = true;
  if (config.autoApprove) item.autoApprove = config.autoApprove.map(buildRule);
  if (config.breakGlass)
    item.breakGlass = {
      maxDurationMs: config.breakGlass.maxDuration,
      reviewers: config.breakGlass.reviewers,
      reviewWithinMs: config.breakGlass.reviewWithin,
      limit: { uses: config.breakGlass.rateLimit.uses, perMs: config.breakGlass.rateLimit.per },
    };
  return item;
}

function buildRule(config: AutoApproveRuleConfig): AutoApproveRule {
  const rule: AutoApproveRule = { name: config.name, cap: { uses: config.cap.uses, perMs: config.cap.per } };
  if (config.requesters) rule.requesters = config.requesters;
  if (config.maxDuration !== undefined) rule.maxDurationMs = config.maxDuration;
  if (config.window) {
    const { days = WEEKDAYS, from, to, timezone } = config.window;
    rule.window = { days, fromMinute: from, toMinute: to, timezone };
  }
  return rule;
}
