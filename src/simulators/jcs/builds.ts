/**
 * The server behaviours docs/providers/jcs.md marks [guess], as options: the simulator can play each plausible
 * build, and tests run the adapter against every one of them (JCS_BUILDS).
 */
export interface JcsBuild {
  /**
   * [guess] "a later build may add `user_id`" to ListVirtualMFADevices entries. The server source of June
   * 2016 lists `{id, name, created_at}` only: false (the default) plays that.
   */
  mfaListOwners: boolean;
  /**
   * [guess] "an older server build read `MfaName` instead of `VirtualMFADeviceName`" in DeactivateMFADevice.
   * Default: the SDK's name.
   */
  deactivateDeviceParam: 'VirtualMFADeviceName' | 'MfaName';
  /**
   * [guess] (the simulator's own; docs/providers/jcs.md names no request id): JCS's Keystone lineage names each request
   * in `x-openstack-request-id`. False plays a server that sends none.
   */
  requestIds: boolean;
}

export const DEFAULT_BUILD: JcsBuild = {
  mfaListOwners: false,
  deactivateDeviceParam: 'VirtualMFADeviceName',
  requestIds: true,
};

/** Every plausible build, named for test titles. */
export const JCS_BUILDS: ReadonlyArray<{ name: string; build: JcsBuild }> = [
  { name: 'the June 2016 server source', build: DEFAULT_BUILD },
  { name: 'a later build listing MFA device owners', build: { ...DEFAULT_BUILD, mfaListOwners: true } },
  {
    name: 'an older build reading MfaName, without request ids',
    build: { ...DEFAULT_BUILD, deactivateDeviceParam: 'MfaName', requestIds: false },
  },
];
