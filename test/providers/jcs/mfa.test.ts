import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrincipalRef } from '../../../src/providers/port.ts';
import { actionsSent, rig, type Rig } from './rig.ts';

let r: Rig;
let alice: PrincipalRef;
beforeEach(async () => {
  r = await rig();
  const user = r.sim.state.addUser({ name: 'alice' });
  alice = { id: user.id, name: user.name };
  r.sim.state.addUser({ name: 'bob' });
  r.sim.state.addMfaDevice('bob-phone', 'bob');
  r.sim.state.addMfaDevice('spare');
});
afterEach(() => r.close());

describe('JCS MFA reset', () => {
  it('deactivates and deletes the user’s virtual device, and only theirs', async () => {
    r.sim.state.addMfaDevice('alice-phone', 'alice');
    expect(await r.provider.resetMfa(alice)).toEqual({ providerRequestId: expect.stringMatching(/^req-/) });
    expect(r.sim.state.mfaDevices().map((device) => device.name)).toEqual(['bob-phone', 'spare']);
    expect(actionsSent(r.sim.server)).toEqual(['ListVirtualMFADevices', 'DeactivateMFADevice', 'DeleteVirtualMFADevice']);
    const [list, deactivate, remove] = r.sim.server.requests.map((request) => request.query);
    expect(list?.get('AssignmentStatus')).toBe('any');
    expect([deactivate?.get('VirtualMFADeviceName'), deactivate?.get('UserName')]).toEqual(['alice-phone', 'alice']);
    expect(remove?.get('Name')).toBe('alice-phone');
  });

  it('resets a device that is attached but disabled (locked after wrong codes)', async () => {
    r.sim.state.addMfaDevice('alice-phone', 'alice', { enabled: false });
    await r.provider.resetMfa(alice);
    expect(r.sim.state.mfaDeviceOf('alice')).toBeUndefined();
  });

  it('a user without an MFA device is already reset: success, touching no other device (a reset run again after a crash ends well)', async () => {
    await expect(r.provider.resetMfa(alice)).resolves.toBeDefined();
    expect(r.sim.state.mfaDevices()).toHaveLength(2);
    expect(r.sim.server.requests.map((q) => q.query.get('Action'))).not.toContain('DeleteVirtualMFADevice');
  });
});
