/**
 * Reconciliation of the groups the bot grants timed access to: each member is compared with the bot's
 * grants. A member whose grant has ended but is still there (a revoke lost in a crash, a change made
 * behind the bot's back) is removed; a member no grant explains is reported to the audit channel, and
 * removed only when the policy says so (`grants.removeUnexplained`).
 */
import type { Policy } from '../domain/policy.ts';
import type { Request } from '../domain/request.ts';
import type { Logger } from '../log.ts';
import type { PrincipalRef, Provider, ProviderRegistry } from '../providers/port.ts';
import type { Store } from '../store/port.ts';
import { targetOf, type OperationContext } from './operations.ts';
import type { Recorder } from './recorder.ts';

export interface SweepResult {
  removed: number;
  unexplained: number;
}

type Finding = Parameters<Recorder['report']>[0][number];

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
    const grants = (await this.store.list()).filter((r) => r.operation.kind === 'group.add' && r.operation.extends === undefined);
    for (const [providerId, group] of this.#grantManagedGroups()) {
      const provider = this.providers.get(providerId);
      if (!provider?.capabilities.groupMembership) continue;
      try {
        const findings = await this.#sweepGroup(provider, group, grants.filter((g) => g.provider === providerId && groupOf(g) === group));
        await this.recorder.report(findings);
        for (const f of findings) result[f.event === 'sweep.removed' ? 'removed' : 'unexplained']++;
      } catch (error) {
        // One provider's trouble must not stop the others' sweep; the next run tries again.
        this.log.warn({ err: error, provider: providerId, group }, 'sweep of a group failed');
      }
    }
    return result;
  }

  /** Groups some catalog item grants for a limited time. */
  #grantManagedGroups(): [string, string][] {
    const seen = new Map<string, [string, string]>();
    for (const item of this.policy.catalog) {
      if (item.kind === 'group.add' && item.maxDurationMs !== undefined && item.group) seen.set(`${item.provider}\u0000${item.group}`, [item.provider, item.group]);
    }
    return [...seen.values()];
  }

  async #sweepGroup(provider: Provider, group: string, grants: readonly Request[]): Promise<Finding[]> {
    const principals = new Map<string, Promise<PrincipalRef | undefined>>();
    const principalOf = (request: Request) => {
      if (!principals.has(request.requester)) {
        principals.set(request.requester, targetOf(request, provider, this.ctx).catch(() => undefined));
      }
      return principals.get(request.requester) ?? Promise.resolve(undefined);
    };
    const explained = new Set<string>();
    const ended = new Map<string, Request>();
    for (const grant of grants) {
      const who = await principalOf(grant);
      if (!who) continue;
      if (explains(grant)) explained.add(who.id);
      else if (endedManaged(grant)) ended.set(who.id, grant);
    }
    const findings: Finding[] = [];
    for (const member of await provider.listMembers(group)) {
      if (explained.has(member.id)) continue;
      const grant = ended.get(member.id);
      if (grant || this.policy.grants.removeUnexplained) {
        await provider.removeMember(group, member);
        findings.push({ event: 'sweep.removed', finding: { provider: provider.id, group, member: member.name, ...(grant ? { grant: grant.ref } : {}) } });
      } else {
        findings.push({ event: 'sweep.unexplained', finding: { provider: provider.id, group, member: member.name } });
      }
    }
    return findings;
  }
}

function groupOf(request: Request): string | undefined {
  return request.operation.kind === 'group.add' ? request.operation.group : undefined;
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
