/**
 * Can each catalog item's stages be approved by someone other than the requester? Judged on the people
 * the file names: a set's listed users and the requester's manager (assumed to be someone else); a set
 * with a user group can grow, so it is never judged short. Errors are certain: the stage can never be
 * approved for anyone allowed to ask. Cautions are for some people or some shapes only: what a person
 * in the file meets when they ask, or a stage only admins can decide.
 */
import { shortfall, type Shortfall, type StageCandidates } from '../domain/approvability.ts';
import type { CatalogItem, PeopleSet, Policy } from '../domain/policy.ts';
import type { Finding, PathSegment } from './problems.ts';

export interface Feasibility {
  errors: Finding[];
  cautions: Finding[];
}

/** Stand-ins for people the file cannot name: a requester in no set, and a requester's manager. */
const ANYONE = '\u0000anyone';
const MANAGER = '\u0000manager';

export function checkFeasibility(policy: Policy): Feasibility {
  const errors: Finding[] = [];
  const cautions: Finding[] = [];
  policy.catalog.forEach((item, index) => {
    const at = (stage: number): PathSegment[] => ['catalog', index, 'approvers', stage];
    const sets = item.stages.map((stage) => policy.sets[stage.set]);
    // An unknown set or a quorum larger than a set can ever have is already reported by checkReferences.
    if (
      sets.some(
        (set, s) =>
          !set ||
          (set.usergroups.length === 0 && set.users.length + (set.manager ? 1 : 0) < (item.stages[s]?.quorum ?? 1)),
      )
    )
      return;
    const judge = (requester: string) =>
      shortfall(candidates(policy, item, sets as PeopleSet[], requester), !item.sameApproverAcrossStages);

    const { anyone, named } = requestersOf(policy, item);
    const sod = ', and one person approves at most one stage of a request (sameApproverAcrossStages: true allows more)';
    const forAnyone = anyone ? judge(ANYONE) : undefined;
    if (forAnyone) {
      errors.push({
        path: at(forAnyone.stage),
        message: `${stageName(item, forAnyone.stage)} can never be approved: everyone who could approve it is needed by an earlier stage${sod}`,
      });
      return;
    }
    const failing = new Map<string, NonNullable<Shortfall>>();
    for (const person of named) {
      const result = judge(person);
      if (result) failing.set(person, result);
    }
    if (!anyone && failing.size === named.length && named.length > 0) {
      for (const stage of new Set([...failing.values()].map((f) => f.stage))) {
        const who = [...failing].filter(([, f]) => f.stage === stage).map(([person]) => person);
        const why = [...failing.values()].some((f) => f.stage === stage && f.why === 'taken_by_earlier_stages')
          ? sod
          : '';
        errors.push({
          path: at(stage),
          message: `only the requester could approve ${stageName(item, stage)}: whoever may request ${item.id} (${who.join(', ')}) leaves too few other approvers, and nobody approves their own request${why}`,
        });
      }
      return;
    }
    for (const [person, f] of failing) {
      const why = f.why === 'taken_by_earlier_stages' ? sod : '';
      cautions.push({
        path: at(f.stage),
        message: `if ${person} requests ${item.id}, nobody else can approve ${stageName(item, f.stage)}: nobody approves their own request${why}; that submission is refused`,
      });
    }
    cautions.push(...onlyAdmins(policy, item, sets as PeopleSet[], at));
  });
  return { errors, cautions };
}

/** Who may ask: anyone at all (or a user group's unknown members), and the people the file names. */
function requestersOf(policy: Policy, item: CatalogItem): { anyone: boolean; named: string[] } {
  const inStages = item.stages.flatMap((stage) => policy.sets[stage.set]?.users ?? []);
  if (!item.requesters) return { anyone: true, named: [...new Set(inStages)].sort() };
  const sets = item.requesters.map((name) => policy.sets[name]).filter((set) => set !== undefined);
  const listed = sets.flatMap((set) => set.users);
  // A user group may hold anyone, approvers included.
  const grouped = sets.some((set) => set.usergroups.length > 0);
  return { anyone: grouped, named: [...new Set(grouped ? [...listed, ...inStages] : listed)].sort() };
}

function candidates(
  policy: Policy,
  item: CatalogItem,
  sets: readonly PeopleSet[],
  requester: string,
): StageCandidates[] {
  return item.stages.map((stage, s) => {
    const set = sets[s] as PeopleSet;
    const people = new Set(set.users);
    if (set.manager) people.add(policy.managers[requester] ?? MANAGER);
    people.delete(requester);
    return { quorum: stage.quorum, people: [...people], open: set.usergroups.length > 0 };
  });
}

/**
 * A stage whose set is not the admins set but whose every possible approver is an admin: the admins end
 * up deciding it, usually not what its author meant (or the admins set was meant).
 */
function onlyAdmins(
  policy: Policy,
  item: CatalogItem,
  sets: readonly PeopleSet[],
  at: (stage: number) => PathSegment[],
): Finding[] {
  const admins = policy.admins === undefined ? undefined : policy.sets[policy.admins];
  if (!admins) return [];
  return item.stages.flatMap((stage, s) => {
    const set = sets[s] as PeopleSet;
    if (stage.set === policy.admins || set.manager || set.usergroups.length > 0) return [];
    if (!set.users.every((user) => admins.users.includes(user))) return [];
    return [
      {
        path: at(s),
        message: `only admins could approve ${stageName(item, s)}: every member of set "${stage.set}" is in the admins set "${policy.admins}"`,
      },
    ];
  });
}

function stageName(item: CatalogItem, stage: number): string {
  return `stage ${stage + 1} (set "${item.stages[stage]?.set ?? '?'}")`;
}
