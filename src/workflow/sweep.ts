/**
 * Reconciliation of the groups the bot grants timed access to: each member is compared with the bot's
 * grants. A member whose grant has ended but is still there (a revoke lost in a crash, a change made
 * behind the bot's back) is removed; a member no grant explains is reported to the audit channel, and
 * removed only when the policy says so (`grants.removeUnexplained`).
 *
 * It acts only on a complete view. The members are listed first and the grants read after, so a grant
 * that added someone listed is seen; the grants are read again right before anything is removed; and any
 * provider error while building the view (listing, naming the person of an active grant) skips the group
 * with one report of what could not be checked, never a finding per member.
 */
import type { Policy } from '../domain/policy.ts';
import type { Request } from '../domain/request.ts';
import type { Logger } from '../log.ts';
import {
  capability,
  type PrincipalRef,
  type Provider,
  type ProviderRegistry,
  ProviderError,
  type Store,
} from './ports.ts';
import { removeFrom, targetOf, type OperationContext } from './operations.ts';
import { UnverifiedEffectError } from './verify.ts';
import type { Recorder } from './recorder.ts';

interface SweepResult {
  removed: number;
  unexplained: number;
}

type Finding = Parameters<Recorder['report']>[0][number];

/** What the grants say about a group's members, by provider principal id. */
interface GrantView {
  explained: Set<string>;
  ended: Map<string, Request>;
}

export class Sweeper {
  constructor(
    private readonly policy: Policy,
    private readonly store: Store,
    private readonly providers: ProviderRegistry,
    private readonly ctx: OperationContext,
    private readonly recorder: Recorder,
    private readonly log: Logger,
  ) {}

  async run(): Promise<SweepResult> {
    const result: SweepResult = { removed: 0, unexplained: 0 };
    const incomplete = new Map<string, { groups: string[]; problem: string }>();
    for (const [providerId, group] of this.#grantManagedGroups()) {
      const provider = this.providers.get(providerId);
      if (!provider?.groups) continue;
      let findings: Finding[];
      try {
        findings = await this.#sweepGroup(provider, group);
      } catch (error) {
        // One provider's trouble must not stop the others' sweep; the next run tries again.
        this.log.warn({ err: error, provider: providerId, group }, 'sweep of a group skipped: its view is incomplete');
        const entry = incomplete.get(providerId) ?? { groups: [], problem: problemOf(error) };
        entry.groups.push(group);
        incomplete.set(providerId, entry);
        continue;
      }
      await this.recorder.report(findings);
      for (const f of findings)
        if (f.event !== 'sweep.incomplete') result[f.event === 'sweep.removed' ? 'removed' : 'unexplained']++;
    }
    await this.recorder.report(
      [...incomplete].map(([provider, { groups, problem }]) => ({
        event: 'sweep.incomplete',
        finding: { provider, group: groups.join(', '), problem },
      })),
    );
    return result;
  }

  /** Groups some catalog item grants for a limited time. */
  #grantManagedGroups(): [string, string][] {
    const seen = new Map<string, [string, string]>();
    for (const item of this.policy.catalog) {
      if (item.kind === 'group.add' && item.maxDurationMs !== undefined && item.group)
        seen.set(`${item.provider}\u0000${item.group}`, [item.provider, item.group]);
    }
    return [...seen.values()];
  }

  async #sweepGroup(provider: Provider, group: string): Promise<Finding[]> {
    const principals = new Map<string, Promise<PrincipalRef>>();
    const members = await capability(provider, 'groups').listMembers(group);
    let view = await this.#grantView(provider, group, principals);
    const acts: { member: PrincipalRef; grant?: Request }[] = [];
    const findings: Finding[] = [];
    for (const member of members) {
      if (view.explained.has(member.id)) continue;
      const grant = view.ended.get(member.id);
      if (grant || this.policy.grants.removeUnexplained) acts.push(grant ? { member, grant } : { member });
      else
        findings.push({ event: 'sweep.unexplained', finding: { provider: provider.id, group, member: member.name } });
    }
    if (acts.length === 0) return findings;
    // Grants decided while the provider was read: anyone they now explain stays.
    view = await this.#grantView(provider, group, principals);
    for (const { member, grant } of acts) {
      if (view.explained.has(member.id)) continue;
      const removed = await removeFrom(group, member, provider, this.ctx);
      findings.push({
        event: 'sweep.removed',
        finding: {
          provider: provider.id,
          group,
          member: member.name,
          ...(grant ? { grant: grant.ref } : {}),
          ...(removed.verified ? { verified: true as const, readBack: removed.verified } : {}),
        },
      });
    }
    return findings;
  }

  /**
   * The grants of one group as the store has them now. The person of an active grant must be known, or
   * the view is incomplete (throws); an ended grant whose person cannot be named is simply not acted on.
   */
  async #grantView(
    provider: Provider,
    group: string,
    principals: Map<string, Promise<PrincipalRef>>,
  ): Promise<GrantView> {
    const grants = (await this.store.list()).filter(
      (r) =>
        r.provider === provider.id &&
        r.operation.kind === 'group.add' &&
        r.operation.extends === undefined &&
        r.operation.group === group,
    );
    const principalOf = (request: Request): Promise<PrincipalRef> => {
      let known = principals.get(request.requester);
      if (!known) {
        known = targetOf(request, provider, this.ctx);
        principals.set(request.requester, known);
      }
      return known;
    };
    const view: GrantView = { explained: new Set(), ended: new Map() };
    for (const grant of grants) {
      if (explains(grant)) view.explained.add((await principalOf(grant)).id);
      else if (endedManaged(grant)) {
        const who = await principalOf(grant).catch(() => undefined);
        if (who) view.ended.set(who.id, grant);
      }
    }
    // An ended grant never outweighs an active one of the same person.
    for (const id of view.explained) view.ended.delete(id);
    return view;
  }
}

/** A grant that still accounts for the membership: being carried out, in force (timed or permanent), or being ended. */
function explains(grant: Request): boolean {
  const s = grant.status.state;
  return s === 'approved' || s === 'executing' || s === 'completed' || s === 'revoking';
}

/** A grant that ended and whose membership was the bot's to remove. */
function endedManaged(grant: Request): boolean {
  return grant.status.state === 'revoked' && grant.status.outcome.membershipAdded !== false;
}

function problemOf(error: unknown): string {
  if (error instanceof ProviderError) return `${error.kind}: ${error.message}`;
  if (error instanceof UnverifiedEffectError) return `${error.code}: ${error.message}`;
  return 'an unexpected error (details in the bot log)';
}
