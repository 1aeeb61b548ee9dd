/**
 * The provider side of the one-shot request kinds (group access, MFA reset; key rotation has its own
 * steps in key-rotation.ts). Every step is safe to run again after a crash: membership is read back
 * before it is changed, and an existing member or an absent one counts as done. Every change is read
 * back after it is made too (verify.ts), and that read is what the outcome records.
 */
import { principalFor, type Policy } from '../domain/policy.ts';
import type { Outcome, Request } from '../domain/request.ts';
import {
  capability,
  type PrincipalRef,
  type Provider,
  ProviderError,
  type Directory,
  type SecretVault,
} from './ports.ts';
import { alreadyHeld, membership, mfaRemoved, verifiedEffect, type ReadBackDeps } from './verify.ts';
import { IamBotError } from '../shared/errors.ts';

export interface OperationContext {
  policy: Policy;
  directory: Directory;
  vault: SecretVault;
  /** How long a new secret waits to be revealed. */
  secretTtlMs: number;
  /** The clock and the waits of reading changes back. */
  readBack: ReadBackDeps;
}

/** The provider user a request acts on: a named service principal, or the requester's own account. */
export async function targetOf(request: Request, provider: Provider, ctx: OperationContext): Promise<PrincipalRef> {
  if (request.operation.kind === 'key.rotate' && request.operation.principal) {
    return provider.resolvePrincipal(request.operation.principal, 'service');
  }
  // A member as the provider listed it (an access review's removal): acted on as listed, never re-derived.
  if (request.target?.rule === 'listed' && request.target.id !== undefined)
    return { id: request.target.id, name: request.target.principal };
  // The account the approvers saw; only a request stored before targets were recorded derives it now.
  if (request.target) return provider.resolvePrincipal(request.target.principal);
  const identity = principalFor(
    ctx.policy.identity,
    request.provider,
    request.requester,
    await ctx.directory.emailOf(request.requester),
  );
  if (!identity.ok) throw new ProviderError('not_found', identity.message);
  return provider.resolvePrincipal(identity.principal);
}

/**
 * Group access records whether the person was already a member before anything is added (persisted by
 * `recordMemberBefore`), so a step resumed after a crash tells "added by the lost attempt" from "there
 * before": only the first is the bot's to remove when the grant ends.
 */
export interface ExecuteHooks {
  memberBefore?: boolean;
  recordMemberBefore?: (before: boolean) => Promise<void>;
}

export async function execute(
  request: Request,
  provider: Provider,
  ctx: OperationContext,
  hooks: ExecuteHooks = {},
): Promise<Outcome> {
  const op = request.operation;
  if (op.kind === 'key.rotate') throw new IamBotError('internal', 'key rotation runs in steps, not through execute()');
  const who = await targetOf(request, provider, ctx);
  switch (op.kind) {
    case 'group.add': {
      const groups = capability(provider, 'groups');
      let before = hooks.memberBefore;
      if (before === undefined) {
        before = await groups.isMember(op.group, who);
        await hooks.recordMemberBefore?.(before);
      }
      const wanted = membership(groups, op.group, who, true);
      if (before)
        return {
          summary: `${who.name} was already in ${op.group}`,
          membershipAdded: false,
          verified: [alreadyHeld(wanted.expected, 'a member', ctx.readBack)],
        };
      // Adding an existing member succeeds: a resumed step whose lost attempt did add them ends here too.
      const { result, verification } = await verifiedEffect(
        () => groups.addMember(op.group, who),
        wanted,
        provider,
        ctx.readBack,
      );
      return withRequestId(
        { summary: `added ${who.name} to ${op.group}`, membershipAdded: true, verified: [verification] },
        result.providerRequestId,
      );
    }
    case 'group.remove':
      return removeFrom(op.group, who, provider, ctx);
    case 'mfa.reset': {
      const mfa = capability(provider, 'mfa');
      const { result, verification } = await verifiedEffect(
        () => mfa.resetMfa(who),
        mfaRemoved(mfa, who),
        provider,
        ctx.readBack,
      );
      const outcome: Outcome = result.note
        ? { summary: `reset MFA of ${who.name}: ${result.note}`, note: result.note }
        : { summary: `reset MFA of ${who.name}` };
      return withRequestId({ ...outcome, verified: [verification] }, result.providerRequestId);
    }
  }
}

/** Ends a timed grant. */
export async function revoke(request: Request, provider: Provider, ctx: OperationContext): Promise<Outcome> {
  if (request.operation.kind !== 'group.add')
    throw new ProviderError('invalid_request', `${request.ref} is not a group grant`);
  return removeFrom(request.operation.group, await targetOf(request, provider, ctx), provider, ctx);
}

/** Removes a member (read back); also the sweep's removal of a membership whose grant has ended. */
export async function removeFrom(
  group: string,
  who: PrincipalRef,
  provider: Provider,
  ctx: Pick<OperationContext, 'readBack'>,
): Promise<Outcome> {
  const groups = capability(provider, 'groups');
  const wanted = membership(groups, group, who, false);
  if (!(await groups.isMember(group, who)))
    return {
      summary: `${who.name} was not in ${group}`,
      verified: [alreadyHeld(wanted.expected, 'not a member', ctx.readBack)],
    };
  const { result, verification } = await verifiedEffect(
    () => groups.removeMember(group, who),
    wanted,
    provider,
    ctx.readBack,
  );
  return withRequestId(
    { summary: `removed ${who.name} from ${group}`, verified: [verification] },
    result.providerRequestId,
  );
}

export function withRequestId(outcome: Outcome, providerRequestId: string | undefined): Outcome {
  return providerRequestId ? { ...outcome, providerRequestId } : outcome;
}
