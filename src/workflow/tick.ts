/**
 * What time does to open requests, checked at every tick: a pending request past its TTL expires, one
 * whose stage waited long is escalated or its approvers reminded; a grant past its end is revoked, one
 * near its end warned about; a rotated key's secret not revealed in time is abandoned (the new key
 * deleted, the old kept) and one revealed but not confirmed in time reaches its confirm deadline.
 */
import { findItem, type Policy } from '../domain/policy.ts';
import type { Request } from '../domain/request.ts';
import type { RequestEvent } from '../domain/transitions.ts';
import type { Clock, SecretVault, Store } from './ports.ts';
import type { Executor } from './executor.ts';

interface TickDeps {
  policy: Policy;
  store: Store;
  vault: SecretVault;
  executor: Executor;
  clock: Clock;
  /** Applies what time did to one request; a request someone else moved first is left to the next tick. */
  apply: (request: Request, event: RequestEvent) => Promise<void>;
}

/** One pass over the open requests, then the executor carries out whatever the pass approved or revoked. */
export async function runTick(deps: TickDeps): Promise<void> {
  const now = deps.clock.now();
  await deps.vault.expire();
  for (const request of await deps.store.openRequests()) {
    const event = await dueEvent(deps, request, now);
    if (event) await deps.apply(request, event);
  }
  deps.executor.kick();
}

/** What time has made due for `request` at `now`, if anything: at most one event per tick. */
async function dueEvent(deps: TickDeps, request: Request, now: number): Promise<RequestEvent | undefined> {
  const { remindAfterMs, escalateAfterMs } = deps.policy.requests;
  const s = request.status;
  if (s.state === 'pending') {
    const waiting = now - (s.stageSince ?? request.createdAt);
    if (now >= s.expiresAt) return { type: 'expire' };
    if (waiting >= escalateAfterMs && s.escalatedTo === undefined && escalationSetOf(deps.policy, request))
      return { type: 'escalate', set: escalationSetOf(deps.policy, request) ?? '' };
    if (waiting >= remindAfterMs && s.remindedAt === undefined) return { type: 'remind' };
  } else if (s.state === 'completed' && s.grantExpiresAt !== undefined) {
    if (now >= s.grantExpiresAt) return { type: 'revoke', trigger: 'expired' };
    if (now >= s.grantExpiresAt - deps.policy.grants.warnBeforeMs && s.warnedAt === undefined) return { type: 'warn' };
  } else if (
    s.state === 'executing' &&
    s.rotation?.step === 'reveal' &&
    now >= s.rotation.revealBy &&
    !(await deps.vault.showing(request.id))
  ) {
    return { type: 'abandon', reason: 'expired' };
  } else if (s.state === 'executing' && s.rotation?.step === 'confirm' && now >= s.rotation.confirmBy) {
    return { type: 'confirmDeadline' };
  }
  return undefined;
}

/** Who is asked once a stage waited too long: the item's escalation set, else the admins. */
export function escalationSetOf(policy: Policy, request: Request): string | undefined {
  const name = findItem(policy, request.itemId)?.escalateTo ?? policy.admins;
  return name !== undefined && policy.sets[name] ? name : undefined;
}
