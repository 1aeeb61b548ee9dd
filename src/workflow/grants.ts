/**
 * What a grant of group access means to the provider, beside the one-shot steps of operations.ts (as
 * key rotation has key-rotation.ts): giving it (and whether the membership is then the bot's doing),
 * extending it (the member stays and the grant's end moves), and ending it (the membership stays while
 * another grant justifies it, and one the person had before the bot's grants is left as found).
 */
import type { Outcome, Request } from '../domain/request.ts';
import { type Provider, ProviderError, type Clock, type Store } from './ports.ts';
import { execute, revoke, targetOf, type ExecuteHooks, type OperationContext } from './operations.ts';
import type { Apply } from './key-rotation.ts';

export interface GrantDeps {
  ctx: OperationContext;
  store: Store;
  clock: Clock;
  apply: Apply;
}

/** Gives group access (`started` is executing), or carries out an approved extension of a grant. */
export async function grantAccess(started: Request, provider: Provider, deps: GrantDeps): Promise<Outcome> {
  const op = started.operation;
  if (op.kind === 'group.add' && op.extends !== undefined) return extend(started, op.extends, provider, deps);
  const hooks: ExecuteHooks = {
    recordMemberBefore: async (memberBefore) => {
      await deps.apply(started, { type: 'observe', memberBefore }, []);
    },
  };
  if (started.status.state === 'executing' && started.status.memberBefore !== undefined)
    hooks.memberBefore = started.status.memberBefore;
  const outcome = await execute(started, provider, deps.ctx, hooks);
  // Joining a group an overlapping grant of the bot's already gave: the membership is still the bot's doing.
  if (outcome.membershipAdded === false && (await overlapping(started, deps.store)).some((g) => managed(g)))
    return { ...outcome, membershipAdded: true };
  return outcome;
}

/**
 * Ends a grant. The membership stays while another grant of the same group to the same person
 * justifies it (a permanent one, another timed one still running, one being carried out), and a
 * membership the person had before the bot's grants is left as found, unless an access review removed it.
 */
export async function endGrant(request: Request, provider: Provider, deps: GrantDeps): Promise<Outcome> {
  // An access review decided the member goes: the grants of then do not keep them, and the removal is made
  // sure of (removing a non-member succeeds, and the read-back shows them gone); access granted again since is kept.
  if (request.status.state === 'revoking' && request.status.trigger === 'removed') {
    const again = await grantedAgain(request, deps.store, request.status.at);
    if (again) return { summary: `membership kept: ${again.ref} granted it again after the access review` };
    return revoke(request, provider, deps.ctx);
  }
  const other = await justifiedElsewhere(request, deps.store);
  if (other) {
    const s = other.status;
    const until =
      s.state !== 'completed'
        ? 'being carried out'
        : s.grantExpiresAt === undefined
          ? 'with no end'
          : `until ${new Date(s.grantExpiresAt).toISOString()}`;
    return { summary: `membership kept: ${other.ref} also grants it (${until})` };
  }
  if (request.status.state === 'revoking' && request.status.leaveAsFound) {
    return { summary: 'membership left as found: it was there before this grant', membershipAdded: false };
  }
  return revoke(request, provider, deps.ctx);
}

/** The running timed grants of an access review removal's provider and group: those `endedBy` decides on. */
export async function runningGrantsOf(removal: Request, store: Store): Promise<Request[]> {
  const op = removal.operation;
  if (op.kind !== 'group.remove' || removal.target?.rule !== 'listed') return [];
  return (await store.openRequests()).filter((grant) => running(grant) && sameGroup(grant, removal));
}

/**
 * Whether a completed access review removal ends `grant`: a running timed grant of the same provider and group
 * to the member the review listed, compared by the provider's id for the principal (as a sweep compares).
 * Throws when the provider cannot resolve the grant's principal just now.
 */
export async function endedBy(
  removal: Request,
  grant: Request,
  provider: Provider,
  ctx: OperationContext,
): Promise<boolean> {
  const member = removal.target?.rule === 'listed' ? removal.target.id : undefined;
  if (member === undefined || !running(grant) || !sameGroup(grant, removal)) return false;
  return (await targetOf(grant, provider, ctx)).id === member;
}

/** A timed grant (not an extension) whose access is running. */
function running(grant: Request): boolean {
  const s = grant.status;
  const op = grant.operation;
  return (
    op.kind === 'group.add' && op.extends === undefined && s.state === 'completed' && s.grantExpiresAt !== undefined
  );
}

const sameGroup = (a: Request, b: Request) =>
  a.provider === b.provider &&
  'group' in a.operation &&
  'group' in b.operation &&
  a.operation.group === b.operation.group;

/**
 * A grant of the same group to the same person made since `since` (the moment an access review's removal
 * ended this one): approved or being carried out now, or completed since. The review decided on the
 * membership as it was; access granted again afterwards is not undone by this grant's revoke, retried later.
 */
async function grantedAgain(request: Request, store: Store, since: number): Promise<Request | undefined> {
  const again = (r: Request) => {
    const s = r.status;
    return (
      r.id !== request.id &&
      r.operation.kind === 'group.add' &&
      r.operation.extends === undefined &&
      sameGroup(r, request) &&
      (s.state === 'approved' || s.state === 'executing' || (s.state === 'completed' && s.at > since))
    );
  };
  return (await store.list({ requester: request.requester })).find(again);
}

/** An approved extension: the member is (still) in the group, and the grant's end moves. */
async function extend(extension: Request, grantId: string, provider: Provider, deps: GrantDeps): Promise<Outcome> {
  const grant = await deps.store.get(grantId);
  const op = extension.operation;
  const gs = grant?.status;
  if (
    !grant ||
    gs?.state !== 'completed' ||
    gs.grantExpiresAt === undefined ||
    op.kind !== 'group.add' ||
    op.durationMs === undefined
  ) {
    throw new ProviderError('invalid_request', `The grant this extends has already ended: request access anew.`);
  }
  await execute({ ...extension, operation: { kind: 'group.add', group: op.group } }, provider, deps.ctx);
  const until = Math.max(gs.grantExpiresAt, deps.clock.now()) + op.durationMs;
  const extended = await deps.apply(grant, { type: 'extend', by: extension.id, until }, [
    {
      event: 'grant.extended',
      actor: extension.requester,
      details: { by: extension.ref, until: new Date(until).toISOString() },
    },
  ]);
  const end = extended.status.state === 'completed' ? extended.status.grantExpiresAt : until;
  return { summary: `extended ${grant.ref} until ${new Date(end ?? until).toISOString()}` };
}

/**
 * Another grant of the same group to the same person that still justifies the membership: active or
 * being carried out (open), or permanent (closed, so in the archive) and not undone by a later removal.
 */
async function justifiedElsewhere(request: Request, store: Store): Promise<Request | undefined> {
  const op = request.operation;
  if (op.kind !== 'group.add') return undefined;
  const same = (r: Request) =>
    r.id !== request.id && r.provider === request.provider && 'group' in r.operation && r.operation.group === op.group;
  const mine = (await store.list({ requester: request.requester })).filter(same);
  let permanent: { grant: Request; at: number } | undefined;
  let removedAt = -Infinity;
  for (const r of mine) {
    const s = r.status;
    // An access review's removal acts on the member it listed, not on the reviewer who asked for it.
    if (r.operation.kind === 'group.remove' && s.state === 'completed' && r.target?.rule !== 'listed')
      removedAt = Math.max(removedAt, s.at);
    if (r.operation.kind !== 'group.add' || r.operation.extends !== undefined) continue;
    if (
      s.state === 'approved' ||
      s.state === 'executing' ||
      (s.state === 'completed' && s.grantExpiresAt !== undefined)
    )
      return r;
    if (s.state === 'completed') permanent = { grant: r, at: s.at };
  }
  // A permanent grant justifies the membership unless it was removed on request afterwards.
  return permanent && permanent.at > removedAt ? permanent.grant : undefined;
}

/** Other active grants of the same group to the same person. */
async function overlapping(request: Request, store: Store): Promise<Request[]> {
  const op = request.operation;
  if (op.kind !== 'group.add') return [];
  return (await store.openRequests()).filter((r) => {
    const o = r.operation;
    const s = r.status;
    return (
      r.id !== request.id &&
      r.requester === request.requester &&
      r.provider === request.provider &&
      o.kind === 'group.add' &&
      o.group === op.group &&
      s.state === 'completed' &&
      s.grantExpiresAt !== undefined
    );
  });
}

/** Whether an active grant's membership is the bot's doing. */
function managed(grant: Request): boolean {
  return grant.status.state === 'completed' && grant.status.outcome.membershipAdded !== false;
}
