/**
 * MFA reset: find the user's virtual device, detach it, delete it; the user enrols a new one at next
 * sign-in.
 *
 * Finding it: ListVirtualMFADevices answers `{"entities":[{id, name, created_at}]}` and does not say whose
 * a device is (docs/providers/jcs.md, Exact shapes), so the user's device is the one the provider's `mfaDeviceName`
 * rule names. [guess] a later build adds `user_id`: when the list carries owners, the owner decides.
 *
 * A user without a device is already where a reset leads (also a reset run again after a crash that came
 * after the delete): success, with a note that says so plainly, because without owners "no device by that
 * name" may also mean the rule does not match how the account names its devices. Likewise a named device
 * that is not attached to the user (DeactivateMFADevice answers 404) is left alone when the list has no
 * owners: it was detached by an earlier attempt, or it is someone else's, and deleting someone else's
 * device would let whoever holds their password enrol a new one.
 */
import { ProviderError, type CallResult, type PrincipalRef } from '../../workflow/ports.ts';
import { listMfaDevicesSchema, type JcsMfaDevice } from './schemas.ts';
import { callResult, type Answer } from '../answer.ts';
import type { Done, JcsWireClient } from './wire-client.ts';

/**
 * DeactivateMFADevice on a device that is attached but disabled (locked after three wrong codes) answers
 * 400 with this exact message (docs/providers/jcs.md, Exact shapes; JCS has no error code finer than the status, so
 * the documented message is matched exactly). DeleteVirtualMFADevice deletes such a device while attached.
 * 404: not attached to this user (see above).
 */
const NOT_ATTACHED = 404;
const DETACHED_OR_LOCKED: readonly Done[] = [NOT_ATTACHED, { status: 400, message: 'mfa device is not enabled' }];

export async function resetMfa(
  jcs: JcsWireClient,
  principal: PrincipalRef,
  deviceNameRule: string,
): Promise<CallResult> {
  // `any`: a device disabled after wrong codes is still attached, and is exactly what needs a reset.
  const listed = await jcs.read('ListVirtualMFADevices', { AssignmentStatus: 'any' }, listMfaDevicesSchema);
  const found = findDevice(listed.result.entities, principal, deviceNameRule);
  if (typeof found === 'string') return { ...callResult(listed), note: found };
  const { name } = found.device;
  const deactivated = await deactivate(jcs, name, principal);
  if (deactivated.result.status === NOT_ATTACHED && !found.ownerListed) {
    return {
      ...callResult(deactivated),
      note: `the JCS MFA device ${name} is not attached to ${principal.name} (detached by an earlier attempt, or someone else's), so it was left as it is`,
    };
  }
  return callResult(await jcs.act('DeleteVirtualMFADevice', { Name: name }, { done: [404] }));
}

/** Whether the device a reset would remove is still listed: how a reset is read back. */
export async function mfaEnrolled(
  jcs: JcsWireClient,
  principal: PrincipalRef,
  deviceNameRule: string,
): Promise<boolean> {
  const listed = await jcs.read('ListVirtualMFADevices', { AssignmentStatus: 'any' }, listMfaDevicesSchema);
  return typeof findDevice(listed.result.entities, principal, deviceNameRule) !== 'string';
}

/** The user's device, and whether JCS said it is theirs (the list named owners); or why there is none. */
function findDevice(
  devices: readonly JcsMfaDevice[],
  principal: PrincipalRef,
  rule: string,
): { device: JcsMfaDevice; ownerListed: boolean } | string {
  if (devices.length > 0 && devices.every((device) => device.user_id !== undefined)) {
    const owned = devices.find((device) => device.user_id === principal.id);
    return owned ? { device: owned, ownerListed: true } : `${principal.name} has no JCS MFA device: nothing to delete`;
  }
  const name = rule.replaceAll('{user}', principal.name);
  const named = devices.find((device) => device.name === name);
  return named
    ? { device: named, ownerListed: false }
    : `no JCS MFA device is named ${name}, so nothing was deleted: either it is already reset, or the provider's mfaDeviceName rule (${rule}) does not match how devices are named`;
}

/**
 * With the SDK's parameter name first. [guess] (docs/providers/jcs.md, Exact shapes) an older server build read `MfaName`
 * instead: when the SDK's name is refused as a bad request, the same call is sent once with `MfaName`,
 * and if that is refused too, the first refusal is the one reported.
 */
async function deactivate(
  jcs: JcsWireClient,
  deviceName: string,
  principal: PrincipalRef,
): Promise<Answer<{ status: number }>> {
  const send = (nameParam: 'VirtualMFADeviceName' | 'MfaName') =>
    jcs.act('DeactivateMFADevice', { [nameParam]: deviceName, UserName: principal.name }, { done: DETACHED_OR_LOCKED });
  try {
    return await send('VirtualMFADeviceName');
  } catch (error) {
    if (!(error instanceof ProviderError) || error.kind !== 'invalid_request') throw error;
    return send('MfaName').catch(() => {
      throw error;
    });
  }
}
