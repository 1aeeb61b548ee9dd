/**
 * Who may do what, decided at the moment of the action from the policy and fresh directory facts —
 * never from anything a client sent.
 */
import { shortfall } from '../domain/approvability.ts';
import { isInSet, type CatalogItem, type MembershipFacts, type PeopleSet, type Policy } from '../domain/policy.ts';
import type { Request } from '../domain/request.ts';
import type { Directory, Standing } from './ports.ts';

export class People {
  constructor(
    private readonly policy: Policy,
    private readonly directory: Directory,
  ) {}

  /** The email on the person's Slack profile, asked fresh: it decides which provider account a request touches. */
  emailOf(user: string): Promise<string | undefined> {
    return this.directory.emailOf(user);
  }

  standingOf(user: string): Promise<Standing> {
    return this.directory.standingOf(user);
  }

  async managerOf(user: string): Promise<string | undefined> {
    return this.policy.managers[user] ?? (await this.directory.managerOf(user));
  }

  /**
   * Whether `person` belongs to `set`, where a `manager` rule means the manager of `requester`. A
   * decision asks the directory `fresh`; listings (what waits for me, what may I request) may use its cache.
   */
  async inSet(set: PeopleSet | undefined, person: string, requester: string, fresh = true): Promise<boolean> {
    if (!set) return false;
    const usergroupsOfPerson: string[] = [];
    for (const group of set.usergroups) {
      if ((await this.directory.usergroupMembers(group, { fresh })).includes(person)) usergroupsOfPerson.push(group);
    }
    const facts: MembershipFacts = { usergroupsOfPerson };
    if (set.manager) {
      const manager = await this.managerOf(requester);
      if (manager) facts.managerOfRequester = manager;
    }
    return isInSet(set, person, facts);
  }

  async mayRequest(item: CatalogItem, person: string, fresh = true): Promise<boolean> {
    return !item.requesters || this.inAnyOf(item.requesters, person, fresh);
  }

  /** Whether `person` is in one of the named sets, as a requester (an item's requesters, an auto-approval rule's). */
  async inAnyOf(sets: readonly string[], person: string, fresh = true): Promise<boolean> {
    for (const name of sets) {
      // A requester set's `manager` rule has no requester to be relative to; only its people count.
      const set = this.policy.sets[name];
      if (set && (await this.inSet({ ...set, manager: false }, person, person, fresh))) return true;
    }
    return false;
  }

  /**
   * Whether `person` may request `item` as far as is known right now, asking no one: for an answer that
   * must leave at once (a menu search). A group never looked up counts as a yes; the submission decides.
   */
  mayRequestAsKnown(item: CatalogItem, person: string): boolean {
    if (!item.requesters) return true;
    return item.requesters.some((name) => {
      const set = this.policy.sets[name];
      if (!set) return false;
      const usergroupsOfPerson = set.usergroups.filter(
        (group) => this.directory.knownUsergroupMembers?.(group)?.includes(person) ?? true,
      );
      return isInSet({ ...set, manager: false }, person, { usergroupsOfPerson });
    });
  }

  /** In the stage's set — or, once the stage was escalated, in the escalation set. */
  async mayApproveStage(request: Request, stage: number, person: string, fresh = true): Promise<boolean> {
    const name = request.stages[stage]?.set;
    if (name !== undefined && (await this.inSet(this.policy.sets[name], person, request.requester, fresh))) return true;
    const s = request.status;
    return (
      s.state === 'pending' &&
      s.stage === stage &&
      s.escalatedTo !== undefined &&
      this.inSet(this.policy.sets[s.escalatedTo], person, request.requester, fresh)
    );
  }

  /** false for a deactivated or unknown account; true when the directory cannot tell. */
  async isActive(person: string): Promise<boolean> {
    return (await this.directory.isActive?.(person)) ?? true;
  }

  async isAdmin(person: string): Promise<boolean> {
    return this.policy.admins !== undefined && this.inSet(this.policy.sets[this.policy.admins], person, person);
  }

  /** The members of the policy's admins set (static users and user groups; a `manager` rule has no one to be relative to). */
  async adminsList(): Promise<string[]> {
    const set = this.policy.admins === undefined ? undefined : this.policy.sets[this.policy.admins];
    if (!set) return [];
    const people = new Set(set.users);
    for (const group of set.usergroups)
      for (const member of await this.directory.usergroupMembers(group)) people.add(member);
    return [...people].sort();
  }

  /** Everyone who may decide the current stage, the requester excluded. */
  approversOf(request: Request, stage: number): Promise<string[]> {
    return this.membersOf(request.stages[stage]?.set ?? '', request);
  }

  /** The people of a set, relative to a request (its requester's manager; the requester excluded). */
  membersOf(setName: string, request: Request): Promise<string[]> {
    return this.membersFor(setName, request.requester);
  }

  /** The people of a set relative to a requester (their manager; the requester excluded). */
  async membersFor(setName: string, requester: string): Promise<string[]> {
    const set = this.policy.sets[setName];
    if (!set) return [];
    const people = new Set(set.users);
    if (set.manager) {
      const manager = await this.managerOf(requester);
      if (manager) people.add(manager);
    }
    for (const group of set.usergroups) {
      for (const member of await this.directory.usergroupMembers(group)) people.add(member);
    }
    people.delete(requester);
    return [...people].sort();
  }

  /**
   * Why a request by `requester` for `item` could never be approved as things stand, or undefined: each
   * stage's set resolved now, the requester and inactive accounts left out, separation of duties counted.
   * `fromStage`: the stages before it are already passed (by an auto-approval rule).
   */
  async whyUnapprovable(item: CatalogItem, requester: string, fromStage = 0): Promise<string | undefined> {
    const left = item.stages.slice(fromStage);
    // A stage with as many active people as all stages need together can never run short: looking no
    // further keeps a large user group from costing one users.info call per member.
    const enough = left.reduce((sum, stage) => sum + stage.quorum, 0);
    const stages = await Promise.all(
      left.map(async (stage) => {
        const people: string[] = [];
        for (const person of await this.membersFor(stage.set, requester)) {
          if ((await this.directory.isActive?.(person)) ?? true) people.push(person);
          if (people.length >= enough) return { quorum: stage.quorum, people, open: true };
        }
        return { quorum: stage.quorum, people };
      }),
    );
    const short = shortfall(stages, !item.sameApproverAcrossStages);
    if (!short) return undefined;
    const stage = left[short.stage];
    const name = `stage ${short.stage + fromStage + 1} (${stage?.set ?? '?'})`;
    if (short.why === 'taken_by_earlier_stages') {
      return `Nobody could approve this request: everyone who could approve ${name} is needed by an earlier stage, and one person approves at most one stage of a request. Ask your IAM admins to fix the policy's approvers.`;
    }
    const found = stages[short.stage]?.people.length ?? 0;
    const needs = stage?.quorum ?? 1;
    return `Nobody could approve this request: ${name} needs ${needs} approver${needs === 1 ? '' : 's'} other than you with an active Slack account, and has ${found === 0 ? 'none' : `only ${found}`}. Ask your IAM admins to fix the policy's approvers.`;
  }
}
