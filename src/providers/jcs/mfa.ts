/**
 * MFA reset: find the user's virtual device, detach it, delete it; the user enrols a new one at next
 * sign-in. A user without a device is already where a reset leads: that is success, which also makes a
 * reset run again after a crash (the device already deleted) end as it should.
 */
import type { CallResult, PrincipalRef } from '../port.ts';
import { listMfaDevicesSchema } from './schemas.ts';
import { resultOf, type JcsClient } from './wire-client.ts';

export async function resetMfa(jcs: JcsClient, principal: PrincipalRef): Promise<CallResult> {
  // `any`: a device disabled after wrong codes is still attached, and is exactly what needs a reset.
  const listed = await jcs.read('ListVirtualMFADevices', { AssignmentStatus: 'any' }, listMfaDevicesSchema);
  const device = listed.data.virtual_mfa_devices.find((candidate) => candidate.user_id === principal.id);
  if (!device) return resultOf(listed);
  // 404 on either step: the device is already detached or gone (a repeated attempt), which is the goal.
  await jcs.act('DeactivateMFADevice', { VirtualMFADeviceName: device.name, UserName: principal.name }, { done: [404] });
  return resultOf(await jcs.act('DeleteVirtualMFADevice', { Name: device.name }, { done: [404] }));
}
