/**
 * The JCS account the simulator serves: users, groups, memberships, credentials and virtual MFA devices,
 * with the real service's rules and limits. Seeding goes through the same rules as the API, so a test
 * cannot build a state the real service would refuse. Rule violations throw `JcsSimError` with the
 * status JCS answers.
 */
import { randomBytes } from 'node:crypto';
import { MAX_GROUPS_PER_USER, MAX_KEYS_PER_USER, MAX_USERS_PER_GROUP } from '../../providers/jcs/limits.ts';

export class JcsSimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SimUser {
  id: string;
  name: string;
  email?: string;
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

  // ---- seeding (and the API's own writes) ----------------------------------------------------------

  addUser(user: { name: string; email?: string; id?: string }): SimUser {
    if (this.#users.has(user.name)) throw new JcsSimError(409, `User ${user.name} already exists`);
    const created: SimUser = { id: user.id ?? hexId(), name: user.name, ...(user.email !== undefined && { email: user.email }) };
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
    if (members.has(user.name)) throw new JcsSimError(409, `User ${user.name} is already a member of group ${groupName}`);
    if (members.size >= MAX_USERS_PER_GROUP) throw new JcsSimError(403, `Group ${groupName} has reached the limit of ${MAX_USERS_PER_GROUP} users`);
    if (this.groupsOf(user.name).length >= MAX_GROUPS_PER_USER) {
      throw new JcsSimError(403, `User ${user.name} has reached the limit of ${MAX_GROUPS_PER_USER} groups`);
    }
    members.add(user.name);
  }

  removeMember(groupName: string, userName: string): void {
    const members = this.#membersOf(this.group(groupName).name);
    if (!members.delete(this.user(userName).name)) throw new JcsSimError(404, `User ${userName} is not a member of group ${groupName}`);
  }

  /** CreateCredential's rules: 403 past the per-user limit. */
  addKey(userName: string): SimKey {
    const user = this.user(userName);
    if (this.keysOf(user.name).length >= MAX_KEYS_PER_USER) {
      throw new JcsSimError(403, `User ${user.name} already has the maximum of ${MAX_KEYS_PER_USER} credentials`);
    }
    const key: SimKey = { id: hexId(), access: hexId(), secret: hexId(), userId: user.id };
    this.#keys.set(key.access, key);
    return key;
  }

  deleteKey(by: { access?: string; id?: string }): void {
    const key = by.access !== undefined ? this.#keys.get(by.access) : [...this.#keys.values()].find((candidate) => candidate.id === by.id);
    if (!key) throw new JcsSimError(404, `Credential ${by.access ?? by.id} not found`);
    this.#keys.delete(key.access);
  }

  /** A virtual MFA device, attached (and enabled unless `enabled: false`) when a user is given. */
  addMfaDevice(name: string, userName?: string, options: { enabled?: boolean } = {}): SimMfaDevice {
    if (this.#devices.has(name)) throw new JcsSimError(409, `MFA device ${name} already exists`);
    const user = userName === undefined ? undefined : this.user(userName);
    if (user && this.mfaDeviceOf(user.name)) throw new JcsSimError(409, `User ${user.name} already has an MFA device`);
    const device: SimMfaDevice = { id: hexId(), name, userId: user?.id ?? null, enabled: user !== undefined && (options.enabled ?? true) };
    this.#devices.set(name, device);
    return device;
  }

  /** DeactivateMFADevice: detaches the device from the user; 404 when it is not attached to them. */
  deactivateMfaDevice(deviceName: string, userName: string): void {
    const device = this.mfaDevice(deviceName);
    const user = this.user(userName);
    if (device.userId !== user.id) throw new JcsSimError(404, `MFA device ${deviceName} is not attached to user ${userName}`);
    device.userId = null;
    device.enabled = false;
  }

  /** DeleteVirtualMFADevice: 409 while the device is still attached. */
  deleteMfaDevice(deviceName: string): void {
    const device = this.mfaDevice(deviceName);
    if (device.userId !== null) throw new JcsSimError(409, `MFA device ${deviceName} is attached to a user: deactivate it first`);
    this.#devices.delete(deviceName);
  }

  /** The account's policy refuses `action` to every caller from now on (403). */
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
