/**
 * "What if this person asked for this item?": who may request it, who would approve each stage, and
 * what the provider would be asked to do — resolved from the policy and the directory, executing
 * nothing. The sandbox's policy-author view shows it; nothing here knows Slack or a provider's wire.
 */
import {
  findItem,
  targetFor,
  type CatalogItem,
  type PrincipalResult,
  type Policy,
  type RequestKind,
} from '../domain/policy.ts';
import { describeRule, judgeRule, ruleUseKey } from '../domain/auto-approval.ts';
import { formatDuration } from '../domain/duration.ts';
import type { BreakGlassPolicy } from '../domain/policy.ts';
import { breakGlassUseKey } from './break-glass.ts';
import type { People } from './people.ts';
import type { Clock, Directory, UseCounters } from './ports.ts';

interface ApproverExplained {
  person: string;
  /** Why they are in the stage's set: listed by id, the requester's manager, or a member of a user group. */
  via: string;
}

interface StageExplained {
  set: string;
  quorum: number;
  approvers: ApproverExplained[];
  /** Set when nobody could decide this stage: the request would wait until it expires. */
  problem?: string;
}

/** What the provider adapter is asked to do, in the words a policy author recognises. */
export interface CallInput {
  providerId: string;
  providerType: string;
  kind: RequestKind;
  principal: string;
  group?: string;
}

export type DescribeCall = (input: CallInput) => string[];

/** An auto-approval rule of the item, judged for this person now. */
interface RuleExplained {
  name: string;
  /** Its conditions and cap, in words. */
  conditions: string;
  /** Whether it would pass the first stage now, for a request of the item's default duration (else the rule's longest). */
  applies: boolean;
  /** What stops it, when it would not. */
  why?: string;
  /** Uses this person has left in the cap's period. */
  usesLeft: number;
}

/** The item's break-glass, for this person now: its terms, who would review it, and whether it would be refused. */
interface BreakGlassExplained {
  /** "up to 1h at once, reviewed by managers within 4h, 2 uses per person per 7d" */
  terms: string;
  /** Who would review it (never the person). */
  reviewers: ApproverExplained[];
  /** Uses this person has left in the limit's period. */
  usesLeft: number;
  /** Why an emergency would be refused now, when it would. */
  problem?: string;
}

interface WhatIfDeps {
  policy: Policy;
  people: People;
  directory: Directory;
  describeCall: DescribeCall;
  /** The store's counts of rule uses, and the bot's clock: a rule's window and cap are judged as a submission would. */
  uses: Pick<UseCounters, 'count'>;
  clock: Clock;
}

export interface WhatIf {
  person: string;
  item: CatalogItem;
  mayRequest: boolean;
  /** Why the person may or may not request the item. */
  requestRule: string;
  principal: PrincipalResult;
  stages: StageExplained[];
  /** The provider calls an approval would make; empty when the principal cannot be resolved. */
  calls: string[];
  /** The item's auto-approval rules, in order: the first that applies passes stage 1 at once. */
  autoApproval: RuleExplained[];
  /** Set when the item allows break-glass. */
  breakGlass?: BreakGlassExplained;
}

export async function explainRequest(deps: WhatIfDeps, person: string, itemId: string): Promise<WhatIf | undefined> {
  const { policy, people, directory } = deps;
  const item = findItem(policy, itemId);
  if (!item) return undefined;
  const mayRequest = await people.mayRequest(item, person);
  const requestRule = !item.requesters
    ? 'Anyone in the workspace may request this item.'
    : `Only members of ${item.requesters.join(', ')} may request it; ${person} ${mayRequest ? 'is' : 'is not'} one.`;
  const principal: PrincipalResult = targetFor(
    policy.identity,
    item,
    person,
    item.principal ? undefined : await directory.emailOf(person),
  );
  const stages: StageExplained[] = [];
  for (const stage of item.stages) stages.push(await explainStage(deps, stage.set, stage.quorum, person));
  const providerType = policy.providers[item.provider] ?? 'unknown';
  const calls = principal.ok
    ? deps.describeCall({
        providerId: item.provider,
        providerType,
        kind: item.kind,
        principal: principal.principal,
        ...(item.group ? { group: item.group } : {}),
      })
    : [];
  const autoApproval: RuleExplained[] = [];
  const now = deps.clock.now();
  for (const rule of item.autoApprove ?? []) {
    const used = await deps.uses.count(ruleUseKey(item, rule, person), now, rule.cap.perMs);
    const verdict = judgeRule(rule, {
      requesterInSets: !rule.requesters || (await people.inAnyOf(rule.requesters, person)),
      durationMs: item.defaultDurationMs ?? rule.maxDurationMs,
      now,
      usesInPeriod: used,
    });
    autoApproval.push({
      name: rule.name,
      conditions: describeRule(rule),
      applies: verdict.applies,
      ...(verdict.applies ? {} : { why: verdict.why }),
      usesLeft: Math.max(0, rule.cap.uses - used),
    });
  }
  const breakGlass = item.breakGlass && (await explainBreakGlass(deps, item, item.breakGlass, person));
  return {
    person,
    item,
    mayRequest,
    requestRule,
    principal,
    stages,
    calls,
    autoApproval,
    ...(breakGlass && { breakGlass }),
  };
}

async function explainBreakGlass(
  deps: WhatIfDeps,
  item: CatalogItem,
  policy: BreakGlassPolicy,
  person: string,
): Promise<BreakGlassExplained> {
  const { uses, perMs } = policy.limit;
  const used = await deps.uses.count(breakGlassUseKey(item, person), deps.clock.now(), perMs);
  const usesLeft = Math.max(0, uses - used);
  const { approvers } = await explainStage(deps, policy.reviewers, 1, person);
  const problem =
    approvers.length === 0
      ? `Nobody but ${person} could review it: an emergency would be refused.`
      : usesLeft === 0
        ? `Its limit is reached (${uses} per ${formatDuration(perMs)}): an emergency would be refused.`
        : undefined;
  return {
    terms: `up to ${formatDuration(policy.maxDurationMs)} at once, reviewed by ${policy.reviewers} within ${formatDuration(policy.reviewWithinMs)}, ${uses} use${uses === 1 ? '' : 's'} per person per ${formatDuration(perMs)}`,
    reviewers: approvers,
    usesLeft,
    ...(problem ? { problem } : {}),
  };
}

async function explainStage(
  deps: { policy: Policy; people: People; directory: Directory },
  setName: string,
  quorum: number,
  requester: string,
): Promise<StageExplained> {
  const set = deps.policy.sets[setName];
  if (!set) return { set: setName, quorum, approvers: [], problem: `The approver set ${setName} is not defined.` };
  const found = new Map<string, string>();
  for (const user of set.users) found.set(user, 'listed in the set');
  if (set.manager) {
    const manager = await deps.people.managerOf(requester);
    if (manager && !found.has(manager)) found.set(manager, "the requester's manager");
  }
  for (const group of set.usergroups) {
    for (const member of await deps.directory.usergroupMembers(group))
      if (!found.has(member)) found.set(member, `member of user group ${group}`);
  }
  // Nobody approves their own request, whatever the set says.
  found.delete(requester);
  const approvers = [...found]
    .map(([person, via]) => ({ person, via }))
    .sort((a, b) => a.person.localeCompare(b.person));
  const problem =
    approvers.length === 0
      ? 'Nobody but the requester could approve this stage: the request would wait until it expires.'
      : approvers.length < quorum
        ? `The stage needs ${quorum} approvals but only ${approvers.length} people could give one.`
        : undefined;
  return { set: setName, quorum, approvers, ...(problem ? { problem } : {}) };
}
