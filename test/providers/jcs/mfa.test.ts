import { afterEach, describe, expect, it } from 'vitest';
import type { PrincipalRef } from '../../../src/workflow/ports.ts';
import { JCS_BUILDS, type JcsBuild } from '../../../src/simulators/jcs/index.ts';
import { actionsSent, rig, type Rig } from './rig.ts';

let r: Rig;
afterEach(() => r.close());

/** Alice, and Bob with his own device (named by the same rule), and a spare device nobody holds. */
async function start(build: JcsBuild, mfaDeviceName = '{user}'): Promise<PrincipalRef> {
  r = await rig({ sim: { build }, settings: { mfaDeviceName } });
  const user = r.sim.state.addUser({ name: 'alice' });
  r.sim.state.addUser({ name: 'bob' });
  r.sim.state.addMfaDevice(mfaDeviceName.replace('{user}', 'bob'), 'bob');
  r.sim.state.addMfaDevice('spare');
  return { id: user.id, name: user.name };
}

const deviceNames = () => r.sim.state.mfaDevices().map((device) => device.name);
const requestId = (build: JcsBuild) => (build.requestIds ? { providerRequestId: expect.stringMatching(/^req-/) } : {});

describe.each(JCS_BUILDS)('JCS MFA reset against $name', ({ build }) => {
  it('deactivates and deletes the user’s virtual device, and only theirs', async () => {
    const alice = await start(build);
    r.sim.state.addMfaDevice('alice', 'alice');
    expect(await r.provider.resetMfa(alice)).toEqual(requestId(build));
    expect(deviceNames()).toEqual(['bob', 'spare']);
    const sent = actionsSent(r.sim.server);
    expect([sent[0], sent.at(-2), sent.at(-1)]).toEqual([
      'ListVirtualMFADevices',
      'DeactivateMFADevice',
      'DeleteVirtualMFADevice',
    ]);
    const queries = r.sim.server.requests.map((request) => request.query);
    expect(queries[0]?.get('AssignmentStatus')).toBe('any');
    // The SDK's parameter name goes first, whatever the server reads.
    expect([queries[1]?.get('VirtualMFADeviceName'), queries[1]?.get('UserName')]).toEqual(['alice', 'alice']);
    expect(queries.at(-1)?.get('Name')).toBe('alice');
  });

  it('reads the real ListVirtualMFADevices answer (entities without an owner): the device the mfaDeviceName rule names', async () => {
    const alice = await start(build, '{user}-phone');
    r.sim.state.addMfaDevice('alice-phone', 'alice');
    await r.provider.resetMfa(alice);
    expect(deviceNames()).toEqual(['bob-phone', 'spare']);
  });

  it('resets a device locked after wrong codes: DeactivateMFADevice answers 400 "mfa device is not enabled", so straight to delete', async () => {
    const alice = await start(build);
    r.sim.state.addMfaDevice('alice', 'alice', { enabled: false });
    await expect(r.provider.resetMfa(alice)).resolves.toBeDefined();
    expect(r.sim.state.mfaDeviceOf('alice')).toBeUndefined();
    expect(deviceNames()).toEqual(['bob', 'spare']);
    expect(actionsSent(r.sim.server).at(-1)).toBe('DeleteVirtualMFADevice');
  });

  it('a reset run again after a crash ends well: the device already detached, or already deleted', async () => {
    const alice = await start(build);
    r.sim.state.addMfaDevice('alice', 'alice');
    r.sim.state.deactivateMfaDevice('alice', 'alice');
    const result = await r.provider.resetMfa(alice);
    expect(r.sim.state.mfaDeviceOf('alice')).toBeUndefined();
    expect(result.note).toMatch(
      build.mfaListOwners ? /alice has no JCS MFA device/ : /device alice is not attached to alice .*left as it is/,
    );
    r.sim.state.deleteMfaDevice('alice');
    await expect(r.provider.resetMfa(alice)).resolves.toMatchObject({ note: expect.any(String) });
    expect(r.sim.state.mfaDeviceOf('bob')).toBeDefined();
  });

  it('a device the rule names that someone else holds is never deleted', async () => {
    const alice = await start(build);
    r.sim.state.addUser({ name: 'carol' });
    r.sim.state.addMfaDevice('alice', 'carol');
    expect((await r.provider.resetMfa(alice)).note).toBeDefined();
    expect(r.sim.state.mfaDeviceOf('carol')).toMatchObject({ name: 'alice', enabled: true });
    expect(actionsSent(r.sim.server)).not.toContain('DeleteVirtualMFADevice');
  });

  it('a user without a device: success that says so plainly, touching no other device', async () => {
    const alice = await start(build);
    const result = await r.provider.resetMfa(alice);
    expect(result.note).toMatch(
      build.mfaListOwners
        ? /alice has no JCS MFA device/
        : /no JCS MFA device is named alice.*mfaDeviceName rule \(\{user\}\)/,
    );
    expect(deviceNames()).toEqual(['bob', 'spare']);
    expect(actionsSent(r.sim.server)).toEqual(['ListVirtualMFADevices']);
  });

  it('a refused deactivation other than a locked device is reported, and nothing is deleted', async () => {
    const alice = await start(build);
    r.sim.state.addMfaDevice('alice', 'alice');
    r.sim.state.deny('DeactivateMFADevice');
    await expect(r.provider.resetMfa(alice)).rejects.toMatchObject({ kind: 'forbidden' });
    expect(r.sim.state.mfaDeviceOf('alice')).toBeDefined();
  });
});

describe('JCS MFA reset when the list names owners ([guess] a later build)', () => {
  it('the owner decides, whatever the device is called', async () => {
    const alice = await start({ ...JCS_BUILDS[0]!.build, mfaListOwners: true });
    r.sim.state.addMfaDevice('phone-of-a', 'alice');
    r.sim.state.addMfaDevice('alice');
    await r.provider.resetMfa(alice);
    expect(deviceNames()).toEqual(['bob', 'spare', 'alice']);
  });
});
