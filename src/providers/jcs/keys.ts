/**
 * Access keys ("credentials" in JCS). A key is known by its access key id; JCS keys have no status (a
 * key works until it is deleted), so there is nothing to deactivate. Creating a key is not idempotent:
 * when an attempt's outcome is uncertain, a key that appeared meanwhile is an orphan whose secret is lost.
 */
import type { Logger } from '../../log.ts';
import {
  ProviderError,
  type CallResult,
  type CreatedKey,
  type KeyInfo,
  type PrincipalRef,
} from '../../workflow/ports.ts';
import { MAX_KEYS_PER_USER, limitOrForbidden } from './limits.ts';
import { createdCredentialSchema, listCredentialsSchema } from './schemas.ts';
import { callResult } from '../answer.ts';
import type { JcsWireClient } from './wire-client.ts';

/** The first attempt and one more after cleaning up an uncertain one. */
const CREATE_ATTEMPTS = 2;

export async function listKeys(jcs: JcsWireClient, principal: PrincipalRef): Promise<KeyInfo[]> {
  const { result } = await jcs.read('GetUserCredential', { UserName: principal.name }, listCredentialsSchema);
  return result.credentials.map((credential) => ({ id: credential.blob.access, status: 'active' }));
}

export async function createKey(jcs: JcsWireClient, log: Logger, principal: PrincipalRef): Promise<CreatedKey> {
  const before = new Set((await listKeys(jcs, principal)).map((key) => key.id));
  for (let attempt = 1; ; attempt++) {
    try {
      return await createOnce(jcs, principal);
    } catch (error) {
      if (!(error instanceof ProviderError && error.uncertain)) throw error;
      const orphans = (await listKeys(jcs, principal)).filter((key) => !before.has(key.id));
      for (const orphan of orphans) await deleteCredential(jcs, orphan.id);
      const again = attempt < CREATE_ATTEMPTS;
      log.warn(
        { user: principal.name, attempt, deletedKeys: orphans.map((key) => key.id), reason: error.message },
        again
          ? 'JCS key creation had an uncertain outcome: deleted any key it left behind (its secret is lost); creating once more'
          : 'JCS key creation had an uncertain outcome again: deleted any key it left behind; giving up',
      );
      if (!again) {
        throw new ProviderError(
          'unavailable',
          `JCS did not confirm creating a key for ${principal.name} in ${attempt} attempts; no key was left behind.`,
        );
      }
    }
  }
}

/** Deletes one of the principal's keys; a key id that is not theirs is refused, never deleted. */
export async function deleteKey(jcs: JcsWireClient, principal: PrincipalRef, keyId: string): Promise<CallResult> {
  // DeleteCredential takes no user name: without this check a wrong principal would cost someone else a key.
  const keys = await listKeys(jcs, principal);
  if (!keys.some((key) => key.id === keyId))
    throw new ProviderError('not_found', `${principal.name} has no JCS access key ${keyId}.`);
  return deleteCredential(jcs, keyId);
}

async function createOnce(jcs: JcsWireClient, principal: PrincipalRef): Promise<CreatedKey> {
  const { result, requestId } = await limitOrForbidden(
    () => jcs.read('CreateCredential', { UserName: principal.name }, createdCredentialSchema, { idempotent: false }),
    async () => {
      const count = (await listKeys(jcs, principal)).length;
      if (count < MAX_KEYS_PER_USER) return undefined;
      return `JCS allows at most ${MAX_KEYS_PER_USER} access keys per user, and ${principal.name} already has ${count}: delete one first.`;
    },
  );
  const created: CreatedKey = { key: { id: result.blob.access, status: 'active' }, secret: result.blob.secret };
  return requestId ? { ...created, providerRequestId: requestId } : created;
}

async function deleteCredential(jcs: JcsWireClient, accessKey: string): Promise<CallResult> {
  // 404: already gone (a repeated attempt whose first answer was lost, or a concurrent delete).
  return callResult(await jcs.act('DeleteCredential', { AccessKey: accessKey }, { done: [404] }));
}
