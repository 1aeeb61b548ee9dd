/**
 * The JCS account the simulator serves: users, groups, memberships, credentials and virtual MFA devices,
 * with the real service's rules and limits. Seeding goes through the same rules as the API, so a test
 * cannot build a state the real service would refuse. Rule violations throw `JcsSimError` with the
 * status JCS answers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { LostWrites } from '../shared/lost-writes.ts';
import { FORBIDDEN, JcsSimError } from './errors.ts';

export { JcsSimError } from './errors.ts';

/**
 * Limits (docs/providers/jcs.md, "Exact shapes"): at most 2 credentials per user (a third → 403), 100 users
 * per group, 20 groups per user (→ 403). Each refusal is the generic 403: 403 bodies carry no details.
 */
export const LIMITS = { credentialsPerUser: 2, usersPerGroup: 100, groupsPerUser: 20 } as const;

export interface SimUser {
  id: string;
  name: string;
  email?: string;
  /** Whether the user has a password (ListUsers says "Yes" or "No"; the password itself never travels). */
  hasPassword: boolean;
}

export interface SimGroup {
  id: string;
  name: string;
  description: string;
}

export interface SimKey {
  id: string;
  access: string;
  secret: string;
  userId: string;
}

export interface SimMfaDevice {
  id: string;
  name: string;
  createdAt: string;
  /** The user it is attached to, or null. */
  userId: string | null;
  /** Attached and usable; false when unassigned or disabled after wrong codes. */
  enabled: boolean;
}

/** 32 hex digits, the form of JCS ids and access keys. */
export function hexId(): string {
  return randomBytes(16).toString('hex');
}

export class JcsState {
  readonly accountId = hexId();
  readonly #users = new Map<string, SimUser>();
  readonly #groups = new Map<string, SimGroup>();
  /** Group name → user names. */
  readonly #members = new Map<string, Set<string>>();
  /** Access key → key. */
  readonly #keys = new Map<string, SimKey>();
  readonly #devices = new Map<string, SimMfaDevice>();
  readonly #denied = new Set<string>();
  /** Writes JCS acknowledges (204) without doing, checked by the same rules first (see LostWrites). */
  readonly lostWrites = new LostWrites<'add-member' | 'remove-member' | 'delete-key' | 'delete-mfa-device'>();

  // ---- seeding (and the API's own writes) ----------------------------------------------------------

  addUser(user: { name: string; email?: string; id?: string; hasPassword?: boolean }): SimUser {
    if (this.#users.has(user.name)) throw new JcsSimError(409, `User ${user.name} already exists`);
    const created: SimUser = {
      id: user.id ?? hexId(),
      name: user.name,
      hasPassword: user.hasPassword ?? true,
      ...(user.email !== undefined && { email: user.email }),
    };
    this.#users.set(created.name, created);
    return created;
  }

  addGroup(name: string, description = ''): SimGroup {
    if (this.#groups.has(name)) throw new JcsSimError(409, `Group ${name} already exists`);
    const group: SimGroup = { id: hexId(), name, description };
    this.#groups.set(name, group);
    this.#members.set(name, new Set());
    return group;
  }

  /** AssignUserToGroup's rules: 404 unknown, 409 already a member, 403 at either limit. */
  addMember(groupName: string, userName: string): void {
    const members = this.#membersOf(this.group(groupName).name);
    const user = this.user(userName);
    if (members.has(user.name))
      throw new JcsSimError(409, `User ${user.name} is already a member of group ${groupName}`);
    if (members.size >= LIMITS.usersPerGroup || this.groupsOf(user.name).length >= LIMITS.groupsPerUser)
      throw new JcsSimError(403, FORBIDDEN);
    if (this.lostWrites.take('add-member')) return;
    members.add(user.name);
  }

  removeMember(groupName: string, userName: string): void {
    const members = this.#membersOf(this.group(groupName).name);
    const name = this.user(userName).name;
    if (!members.has(name)) throw new JcsSimError(404, `User ${userName} is not a member of group ${groupName}`);
    if (this.lostWrites.take('remove-member')) return;
    members.delete(name);
  }

  /** CreateCredential's rules: 403 past the per-user limit. */
  addKey(userName: string): SimKey {
    const user = this.user(userName);
    if (this.keysOf(user.name).length >= LIMITS.credentialsPerUser) throw new JcsSimError(403, FORBIDDEN);
    const access = hexId();
    // docs/providers/jcs.md, "Exact shapes": a credential's id is the lowercase hex SHA-256 of its access key.
    const key: SimKey = {
      id: createHash('sha256').update(access).digest('hex'),
      access,
      secret: hexId(),
      userId: user.id,
    };
    this.#keys.set(key.access, key);
    return key;
  }

  deleteKey(by: { access?: string; id?: string }): void {
    const key =
      by.access !== undefined
        ? this.#keys.get(by.access)
        : [...this.#keys.values()].find((candidate) => candidate.id === by.id);
    if (!key) throw new JcsSimError(404, `Credential ${by.access ?? by.id} not found`);
    if (this.lostWrites.take('delete-key')) return;
    this.#keys.delete(key.access);
  }

  /** A virtual MFA device, attached (and enabled unless `enabled: false`) when a user is given. */
  addMfaDevice(name: string, userName?: string, options: { enabled?: boolean } = {}): SimMfaDevice {
    if (this.#devices.has(name)) throw new JcsSimError(409, `MFA device ${name} already exists`);
    const user = userName === undefined ? undefined : this.user(userName);
    if (user && this.mfaDeviceOf(user.name)) throw new JcsSimError(409, `User ${user.name} already has an MFA device`);
    const device: SimMfaDevice = {
      id: hexId(),
      name,
      createdAt: new Date().toISOString(),
      userId: user?.id ?? null,
      enabled: user !== undefined && (options.enabled ?? true),
    };
    this.#devices.set(name, device);
    return device;
  }

  /**
   * DeactivateMFADevice: detaches the device from the user. docs/providers/jcs.md, "Exact shapes": a device
   * attached but disabled (locked after three wrong codes) answers 400 `mfa device is not enabled`. A device
   * that is not attached to this user: nothing says; the simulator answers 404.
   */
  deactivateMfaDevice(deviceName: string, userName: string): void {
    const device = this.mfaDevice(deviceName);
    const user = this.user(userName);
    if (device.userId !== user.id)
      throw new JcsSimError(404, `MFA device ${deviceName} is not attached to user ${userName}`);
    if (!device.enabled) throw new JcsSimError(400, 'mfa device is not enabled');
    device.userId = null;
    device.enabled = false;
  }

  /** DeleteVirtualMFADevice: docs/providers/jcs.md, "Exact shapes": deletes the device even while it is attached. */
  deleteMfaDevice(deviceName: string): void {
    this.mfaDevice(deviceName);
    if (this.lostWrites.take('delete-mfa-device')) return;
    this.#devices.delete(deviceName);
  }

  /** The account's policy refuses `action` to every caller from now on (the generic 403). */
  deny(action: string): void {
    this.#denied.add(action);
  }

  isDenied(action: string): boolean {
    return this.#denied.has(action);
  }

  // ---- reads --------------------------------------------------------------------------------------

  user(name: string): SimUser {
    const user = this.#users.get(name);
    if (!user) throw new JcsSimError(404, `User ${name} not found`);
    return user;
  }

  group(name: string): SimGroup {
    const group = this.#groups.get(name);
    if (!group) throw new JcsSimError(404, `Group ${name} not found`);
    return group;
  }

  mfaDevice(name: string): SimMfaDevice {
    const device = this.#devices.get(name);
    if (!device) throw new JcsSimError(404, `MFA device ${name} not found`);
    return device;
  }

  users(): SimUser[] {
    return [...this.#users.values()];
  }

  groups(): SimGroup[] {
    return [...this.#groups.values()];
  }

  /** User names in the group. */
  members(groupName: string): string[] {
    return [...this.#membersOf(this.group(groupName).name)];
  }

  /** Group names the user is in. */
  groupsOf(userName: string): string[] {
    return [...this.#members].filter(([, members]) => members.has(userName)).map(([group]) => group);
  }

  keysOf(userName: string): SimKey[] {
    const user = this.user(userName);
    return [...this.#keys.values()].filter((key) => key.userId === user.id);
  }

  keyByAccess(access: string): SimKey | undefined {
    return this.#keys.get(access);
  }

  userById(id: string): SimUser | undefined {
    return this.users().find((user) => user.id === id);
  }

  mfaDevices(): SimMfaDevice[] {
    return [...this.#devices.values()];
  }

  mfaDeviceOf(userName: string): SimMfaDevice | undefined {
    const user = this.user(userName);
    return this.mfaDevices().find((device) => device.userId === user.id);
  }

  #membersOf(groupName: string): Set<string> {
    const members = this.#members.get(groupName);
    if (!members) throw new JcsSimError(404, `Group ${groupName} not found`);
    return members;
  }
}
