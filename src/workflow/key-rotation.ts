/**
 * Key rotation, one persisted step at a time (see `Rotation` in domain/request.ts):
 * record the old keys → create the new key → the owner reveals it once → the owner confirms →
 * deactivate (or, where the provider cannot, delete) the old keys. A new key nobody revealed in time,
 * or whose secret died with a restart, is deleted and the old keys stay. Where the provider's keys roll
 * (`KeyRotation.style`), the new value replaces the old one under the same key id: nothing is left to
 * retire, and nothing can be rolled back. Every key created, deactivated
 * or deleted is read back from the provider's key list (verify.ts) before it counts.
 */
import type { Outcome, Request, Rotation, Verification } from '../domain/request.ts';
import type { RequestEvent } from '../domain/transitions.ts';
import type { Logger } from '../log.ts';
import {
  capability,
  ProviderError,
  type CreatedKeys,
  type KeyRotation,
  type PrincipalRef,
  type Provider,
  type Clock,
} from './ports.ts';
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
  const keys = capability(provider, 'keys');
  const who = await targetOf(request, provider, deps.ctx);
  const rotation = status.rotation;
  const on = { provider, keys };
  if (!rotation || rotation.step === 'create') {
    await create(request, rotation, who, on, deps);
    return;
  }
  switch (rotation.step) {
    case 'reveal':
    case 'confirm':
      return; // waiting for the owner
    case 'retire':
      return retire(request, rotation, who, on, deps);
    case 'rollback':
      return rollback(request, rotation, who, on, deps);
  }
}

/** The provider (for its consistency) and its key rotation. */
interface KeysOf<K extends KeyRotation = KeyRotation> {
  provider: Provider;
  keys: K;
}

async function create(
  request: Request,
  rotation: Extract<Rotation, { step: 'create' }> | undefined,
  who: PrincipalRef,
  { provider, keys }: KeysOf,
  deps: RotationDeps,
): Promise<void> {
  let current = request;
  let oldKeyIds: readonly string[];
  const verified: Verification[] = [];
  if (rotation) {
    // A crash came between recording the old keys and learning the new one: anything else is an orphan
    // of that lost attempt, whose secret nobody can ever see. Remove it before creating again. (A roll
    // adds no key, so it leaves no orphan.)
    oldKeyIds = rotation.oldKeyIds;
    if (keys.style === 'create') {
      for (const key of await keys.listKeys(who)) {
        if (!oldKeyIds.includes(key.id)) {
          deps.log.warn({ request: request.ref, keyId: key.id }, 'deleting a key left by an interrupted rotation');
          verified.push(await deleteVerified({ provider, keys }, who, key.id, deps));
        }
      }
    }
  } else {
    // Keys a previous rotation deactivated have had their grace period (this rotation's approval):
    // they go now, so a provider's key limit (two on Outscale) does not block every second rotation.
    // (A rolled key is never deactivated by a rotation, and is the one key there is.)
    const listed = await keys.listKeys(who);
    const deactivated: string[] = [];
    const deleted: Verification[] = [];
    if (keys.style === 'create') {
      for (const key of listed.filter((k) => k.status === 'inactive')) {
        deactivated.push(key.id);
        deleted.push(await deleteVerified({ provider, keys }, who, key.id, deps));
      }
    }
    oldKeyIds = listed.filter((k) => k.status === 'active').map((k) => k.id);
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
  const created = await keys.createKey(who);
  // Created once only (never blindly again): a key the list does not show fails the step, and a retry
  // starts a new rotation, whose first step finds and handles whatever this one left.
  const shown = await readBack(keyState(keys, who, created.key.id, 'active'), provider.consistency, deps.ctx.readBack);
  if (!shown.holds)
    throw new UnverifiedEffectError(`new key ${created.key.id} is listed and active`, shown.observed, 1);
  verified.push(shown.verification);
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
  { provider, keys }: KeysOf,
  deps: RotationDeps,
): Promise<void> {
  if (keys.style === 'roll') {
    // A rolled token: people must not be told an old key was retired, nor wonder whether one is still live.
    const note = 'The old value stopped working at the roll; nothing is left to retire.';
    await deps.finish(request, {
      outcome: {
        summary: `token ${rotation.newKeyId} rolled: its new value is in use. ${note}`,
        newKeyId: rotation.newKeyId,
        note,
      },
    });
    return;
  }
  const retired: string[] = [];
  const verified: Verification[] = [];
  let providerRequestId: string | undefined;
  for (const keyId of rotation.oldKeyIds) {
    if (keyId === rotation.newKeyId) continue; // never the key just confirmed
    const done = await deactivateOrDelete({ provider, keys }, who, keyId, deps);
    providerRequestId = done.providerRequestId ?? providerRequestId;
    verified.push(done.verification);
    retired.push(keyId);
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
  { provider, keys }: KeysOf<CreatedKeys>,
  who: PrincipalRef,
  keyId: string,
  deps: RotationDeps,
): Promise<{ providerRequestId?: string; verification: Verification }> {
  const deactivate = keys.deactivateKey?.bind(keys);
  const { result, verification } = deactivate
    ? await verifiedEffect(
        () => goneIsDone(deactivate(who, keyId)),
        keyState(keys, who, keyId, 'inactive'),
        provider,
        deps.ctx.readBack,
      )
    : await verifiedEffect(
        () => goneIsDone(keys.deleteKey(who, keyId)),
        keyState(keys, who, keyId, 'absent'),
        provider,
        deps.ctx.readBack,
      );
  return { ...(result.providerRequestId ? { providerRequestId: result.providerRequestId } : {}), verification };
}

async function deleteVerified(
  { provider, keys }: KeysOf<CreatedKeys>,
  who: PrincipalRef,
  keyId: string,
  deps: RotationDeps,
): Promise<Verification> {
  return (
    await verifiedEffect(
      () => goneIsDone(keys.deleteKey(who, keyId)),
      keyState(keys, who, keyId, 'absent'),
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
  { provider, keys }: KeysOf,
  deps: RotationDeps,
): Promise<void> {
  await deps.ctx.vault.discard(request.id);
  const why =
    rotation.reason === 'expired'
      ? 'was not revealed in time'
      : 'was lost when the bot restarted before it was revealed';
  if (keys.style === 'roll') {
    // A rolled token keeps its id and its old value died with the roll: there is nothing to keep.
    const message = `The rolled value of ${rotation.newKeyId} ${why}, and the old value stopped working at the roll: request a new rotation.`;
    await deps.finish(request, { failure: { kind: 'secret_expired', message } });
    return;
  }
  const deleted = await deleteVerified({ provider, keys }, who, rotation.newKeyId, deps);
  await deps.finish(request, {
    failure: { kind: 'secret_expired', message: `The new key ${why}; it was deleted and the old key kept.` },
    verified: [deleted],
  });
}
