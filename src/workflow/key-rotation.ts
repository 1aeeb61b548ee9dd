/**
 * Key rotation, one persisted step at a time (see `Rotation` in domain/request.ts):
 * record the old keys → create the new key → the owner reveals it once → the owner confirms →
 * deactivate (or, where the provider cannot, delete) the old keys. A new key nobody revealed in time,
 * or whose secret died with a restart, is deleted and the old keys stay. Every key created, deactivated
 * or deleted is read back from the provider's key list (verify.ts) before it counts.
 */
import type { Outcome, Request, Rotation, Verification } from '../domain/request.ts';
import type { RequestEvent } from '../domain/transitions.ts';
import type { Logger } from '../log.ts';
import { ProviderError, type PrincipalRef, type Provider, type Clock } from './ports.ts';
import { targetOf, withRequestId, type OperationContext } from './operations.ts';
import type { Recorded } from './recorder.ts';
import { keyState, readBack, UnverifiedEffectError, verifiedDetails, verifiedEffect } from './verify.ts';

/** Commits one transition with its audit events and returns the new version. */
export type Apply = (request: Request, event: RequestEvent, recorded: readonly Recorded[]) => Promise<Request>;

export interface RotationDeps {
  ctx: OperationContext;
  clock: Clock;
  log: Logger;
  apply: Apply;
  /** Completes the request (retire done) or fails it (rollback done, with the deletion read back). */
  finish: (
    request: Request,
    result:
      | { outcome: Outcome }
      | { failure: { kind: 'secret_expired'; message: string }; verified?: readonly Verification[] },
  ) => Promise<void>;
}

/** Runs the rotation from wherever it stands until it must wait for a person, or ends. */
export async function advanceRotation(request: Request, provider: Provider, deps: RotationDeps): Promise<void> {
  const status = request.status;
  if (status.state !== 'executing') return;
  const who = await targetOf(request, provider, deps.ctx);
  const rotation = status.rotation;
  if (!rotation || rotation.step === 'create') {
    await create(request, rotation, who, provider, deps);
    return;
  }
  switch (rotation.step) {
    case 'reveal':
    case 'confirm':
      return; // waiting for the owner
    case 'retire':
      return retire(request, rotation, who, provider, deps);
    case 'rollback':
      return rollback(request, rotation, who, provider, deps);
  }
}

async function create(
  request: Request,
  rotation: Extract<Rotation, { step: 'create' }> | undefined,
  who: PrincipalRef,
  provider: Provider,
  deps: RotationDeps,
): Promise<void> {
  let current = request;
  let oldKeyIds: readonly string[];
  const verified: Verification[] = [];
  if (rotation) {
    // A crash came between recording the old keys and learning the new one: anything else is an orphan
    // of that lost attempt, whose secret nobody can ever see. Remove it before creating again.
    oldKeyIds = rotation.oldKeyIds;
    for (const key of await provider.listKeys(who)) {
      if (!oldKeyIds.includes(key.id)) {
        deps.log.warn({ request: request.ref, keyId: key.id }, 'deleting a key left by an interrupted rotation');
        verified.push(await deleteVerified(provider, who, key.id, deps));
      }
    }
  } else {
    // Keys a previous rotation deactivated have had their grace period (this rotation's approval):
    // they go now, so a provider's key limit (two on Outscale) does not block every second rotation.
    const keys = await provider.listKeys(who);
    const deactivated = keys.filter((k) => k.status === 'inactive').map((k) => k.id);
    const deleted: Verification[] = [];
    for (const keyId of deactivated) deleted.push(await deleteVerified(provider, who, keyId, deps));
    oldKeyIds = keys.filter((k) => k.status === 'active').map((k) => k.id);
    const recorded: Recorded[] =
      deactivated.length > 0
        ? [
            {
              event: 'rotation.inactive_keys_deleted',
              actor: 'system',
              details: { keys: deactivated, ...verifiedDetails(deleted) },
            },
          ]
        : [];
    current = await deps.apply(current, { type: 'progress', rotation: { step: 'create', oldKeyIds } }, recorded);
  }
  const created = await provider.createKey(who);
  // Created once only (never blindly again): a key the list does not show fails the step, and a retry
  // starts a new rotation, whose first step finds and handles whatever this one left.
  const listed = await readBack(
    keyState(provider, who, created.key.id, 'active'),
    provider.consistency,
    deps.ctx.readBack,
  );
  if (!listed.holds)
    throw new UnverifiedEffectError(`new key ${created.key.id} is listed and active`, listed.observed, 1);
  verified.push(listed.verification);
  const ttl = deps.ctx.secretTtlMs;
  await deps.ctx.vault.put(current.id, current.requester, created.secret, ttl);
  const revealBy = deps.clock.now() + ttl;
  const details: Record<string, unknown> = {
    newKeyId: created.key.id,
    principal: who.name,
    revealBy: new Date(revealBy).toISOString(),
    ...verifiedDetails(verified),
  };
  if (created.providerRequestId) details.providerRequestId = created.providerRequestId;
  // The notice of this event is what tells the owner to reveal the key.
  await deps.apply(
    current,
    { type: 'progress', rotation: { step: 'reveal', oldKeyIds, newKeyId: created.key.id, revealBy } },
    [{ event: 'rotation.key_created', actor: 'system', details }],
  );
}

async function retire(
  request: Request,
  rotation: Extract<Rotation, { step: 'retire' }>,
  who: PrincipalRef,
  provider: Provider,
  deps: RotationDeps,
): Promise<void> {
  const retired: string[] = [];
  const verified: Verification[] = [];
  let providerRequestId: string | undefined;
  for (const keyId of rotation.oldKeyIds) {
    if (keyId === rotation.newKeyId) continue; // a roll keeps the key id: nothing old to retire
    const done = await deactivateOrDelete(provider, who, keyId, deps);
    providerRequestId = done.providerRequestId ?? providerRequestId;
    verified.push(done.verification);
    retired.push(keyId);
  }
  if (rotation.oldKeyIds.includes(rotation.newKeyId)) {
    // A rolled token: people must not be told an old key was retired, nor wonder whether one is still live.
    const note = 'The old value stopped working at the roll; nothing is left to retire.';
    await deps.finish(request, {
      outcome: withRequestId(
        {
          summary: `token ${rotation.newKeyId} rolled: its new value is in use. ${note}`,
          newKeyId: rotation.newKeyId,
          note,
        },
        providerRequestId,
      ),
    });
    return;
  }
  const summary =
    retired.length > 0
      ? `new key ${rotation.newKeyId} in use; retired ${retired.join(', ')}`
      : `new key ${rotation.newKeyId} in use`;
  const outcome: Outcome = { summary, newKeyId: rotation.newKeyId, ...(verified.length > 0 ? { verified } : {}) };
  await deps.finish(request, { outcome: withRequestId(outcome, providerRequestId) });
}

/** Deactivation keeps a way back where the provider has it; elsewhere the old key is deleted. */
async function deactivateOrDelete(
  provider: Provider,
  who: PrincipalRef,
  keyId: string,
  deps: RotationDeps,
): Promise<{ providerRequestId?: string; verification: Verification }> {
  try {
    const { result, verification } = await verifiedEffect(
      () => goneIsDone(provider.deactivateKey(who, keyId)),
      keyState(provider, who, keyId, 'inactive'),
      provider,
      deps.ctx.readBack,
    );
    return { ...(result.providerRequestId ? { providerRequestId: result.providerRequestId } : {}), verification };
  } catch (error) {
    if (!(error instanceof ProviderError) || error.kind !== 'unsupported') throw error;
  }
  const { result, verification } = await verifiedEffect(
    () => goneIsDone(provider.deleteKey(who, keyId)),
    keyState(provider, who, keyId, 'absent'),
    provider,
    deps.ctx.readBack,
  );
  return { ...(result.providerRequestId ? { providerRequestId: result.providerRequestId } : {}), verification };
}

async function deleteVerified(
  provider: Provider,
  who: PrincipalRef,
  keyId: string,
  deps: RotationDeps,
): Promise<Verification> {
  return (
    await verifiedEffect(
      () => goneIsDone(provider.deleteKey(who, keyId)),
      keyState(provider, who, keyId, 'absent'),
      provider,
      deps.ctx.readBack,
    )
  ).verification;
}

/** A key already gone is where deleting or deactivating it leads. */
async function goneIsDone(call: Promise<{ providerRequestId?: string }>): Promise<{ providerRequestId?: string }> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'not_found') return {};
    throw error;
  }
}

async function rollback(
  request: Request,
  rotation: Extract<Rotation, { step: 'rollback' }>,
  who: PrincipalRef,
  provider: Provider,
  deps: RotationDeps,
): Promise<void> {
  await deps.ctx.vault.discard(request.id);
  const why =
    rotation.reason === 'expired'
      ? 'was not revealed in time'
      : 'was lost when the bot restarted before it was revealed';
  if (rotation.oldKeyIds.includes(rotation.newKeyId)) {
    // A rolled token keeps its id and its old value died with the roll: there is nothing to keep.
    const message = `The rolled value of ${rotation.newKeyId} ${why}, and the old value stopped working at the roll: request a new rotation.`;
    await deps.finish(request, { failure: { kind: 'secret_expired', message } });
    return;
  }
  const deleted = await deleteVerified(provider, who, rotation.newKeyId, deps);
  await deps.finish(request, {
    failure: { kind: 'secret_expired', message: `The new key ${why}; it was deleted and the old key kept.` },
    verified: [deleted],
  });
}
