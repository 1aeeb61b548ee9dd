/**
 * The simulated EIM account: users, groups with their members, access keys, and who may call. Every
 * rule the real service enforces on these lives here (unknown names, the access-key quota, the groups
 * per user quota); the HTTP side only parses parameters and renders answers.
 */
import { randomInt } from 'node:crypto';
import { EimFault } from './fault.ts';
import { LostWrites } from '../shared/lost-writes.ts';

export interface EimLimits {
  /** Outscale documents 2, like AWS. */
  accessKeysPerUser: number;
  /** AWS's quota; Outscale does not publish its own. */
  groupsPerUser: number;
}

export const DEFAULT_LIMITS: EimLimits = { accessKeysPerUser: 2, groupsPerUser: 10 };

export interface SimUser {
  name: string;
  id: string;
  arn: string;
  path: string;
  createdAt: string;
  /** Actions this user's keys may call (a stand-in for EIM policies); the root credentials may call all. */
  allow: ReadonlySet<string>;
}

export interface SimGroup {
  name: string;
  id: string;
  arn: string;
  path: string;
  createdAt: string;
  /** User names, in the order they joined. */
  members: Set<string>;
}

export type KeyStatus = 'Active' | 'Inactive';

export interface SimKey {
  id: string;
  secret: string;
  user: string;
  status: KeyStatus;
  createdAt: string;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** Who signed a request, and what they may do. */
export interface Caller {
  arn: string;
  /** Undefined for the account's root credentials. */
  user: SimUser | undefined;
  may(action: string): boolean;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = `${UPPER_ALNUM}abcdefghijklmnopqrstuvwxyz`;

function random(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export class EimState {
  readonly #users = new Map<string, SimUser>();
  readonly #groups = new Map<string, SimGroup>();
  readonly #keys = new Map<string, SimKey>();
  /** Writes EIM acknowledges without doing, checked by the same rules first (see LostWrites). */
  readonly lostWrites = new LostWrites<'add-member' | 'remove-member' | 'update-key' | 'delete-key'>();

  constructor(
    private readonly accountId: string,
    private readonly root: Credentials,
    private readonly limits: EimLimits,
    private readonly now: () => number,
  ) {}

  // ---- seeding ------------------------------------------------------------------------------------

  addUser(name: string, options: { path?: string; allow?: readonly string[] } = {}): SimUser {
    // EIM, like IAM, refuses two names that differ only by case.
    this.#ensureFree([...this.#users.keys()], name, 'User');
    const path = options.path ?? '/';
    const user: SimUser = {
      name,
      id: `AIDA${random(UPPER_ALNUM, 17)}`,
      arn: `arn:aws:iam::${this.accountId}:user${path}${name}`,
      path,
      createdAt: this.#timestamp(),
      allow: new Set(options.allow ?? []),
    };
    this.#users.set(name, user);
    return user;
  }

  addGroup(name: string, options: { path?: string } = {}): SimGroup {
    this.#ensureFree([...this.#groups.keys()], name, 'Group');
    const path = options.path ?? '/';
    const group: SimGroup = {
      name,
      id: `AGPA${random(UPPER_ALNUM, 17)}`,
      arn: `arn:aws:iam::${this.accountId}:group${path}${name}`,
      path,
      createdAt: this.#timestamp(),
      members: new Set(),
    };
    this.#groups.set(name, group);
    return group;
  }

  // ---- reads --------------------------------------------------------------------------------------

  users(): SimUser[] {
    return [...this.#users.values()];
  }

  groups(): SimGroup[] {
    return [...this.#groups.values()];
  }

  user(name: string): SimUser {
    const user = this.#users.get(name);
    if (!user) throw new EimFault('NoSuchEntity', `The user with name ${name} cannot be found.`);
    return user;
  }

  group(name: string): SimGroup {
    const group = this.#groups.get(name);
    if (!group) throw new EimFault('NoSuchEntity', `The group with name ${name} cannot be found.`);
    return group;
  }

  membersOf(groupName: string): string[] {
    return [...this.group(groupName).members];
  }

  groupsOf(userName: string): SimGroup[] {
    const user = this.user(userName);
    return this.groups().filter((group) => group.members.has(user.name));
  }

  keysOf(userName: string): SimKey[] {
    const user = this.user(userName);
    return [...this.#keys.values()].filter((key) => key.user === user.name);
  }

  /** The caller owning an access key, or undefined when the key is unknown or inactive. */
  caller(accessKeyId: string): { secret: string; caller: Caller } | undefined {
    if (accessKeyId === this.root.accessKeyId) {
      return {
        secret: this.root.secretAccessKey,
        caller: { arn: `arn:aws:iam::${this.accountId}:root`, user: undefined, may: () => true },
      };
    }
    const key = this.#keys.get(accessKeyId);
    if (!key || key.status !== 'Active') return undefined;
    const user = this.user(key.user);
    return { secret: key.secret, caller: { arn: user.arn, user, may: (action) => user.allow.has(action) } };
  }

  // ---- changes ------------------------------------------------------------------------------------

  /** Adding a member twice succeeds, as in AWS. */
  addMember(groupName: string, userName: string): void {
    const group = this.group(groupName);
    const user = this.user(userName);
    if (group.members.has(user.name)) return;
    if (this.groupsOf(user.name).length >= this.limits.groupsPerUser) {
      throw new EimFault('LimitExceeded', `Cannot exceed quota for GroupsPerUser: ${this.limits.groupsPerUser}`);
    }
    if (this.lostWrites.take('add-member')) return;
    group.members.add(user.name);
  }

  removeMember(groupName: string, userName: string): void {
    const group = this.group(groupName);
    const user = this.user(userName);
    if (!group.members.has(user.name)) {
      throw new EimFault('NoSuchEntity', `The user with name ${user.name} cannot be found in group ${group.name}.`);
    }
    if (this.lostWrites.take('remove-member')) return;
    group.members.delete(user.name);
  }

  createKey(userName: string): SimKey {
    const user = this.user(userName);
    if (this.keysOf(user.name).length >= this.limits.accessKeysPerUser) {
      throw new EimFault(
        'LimitExceeded',
        `Cannot exceed quota for AccessKeysPerUser: ${this.limits.accessKeysPerUser}`,
      );
    }
    const key: SimKey = {
      id: random(UPPER_ALNUM, 20),
      secret: random(SECRET_ALPHABET, 40),
      user: user.name,
      status: 'Active',
      createdAt: this.#timestamp(),
    };
    this.#keys.set(key.id, key);
    return key;
  }

  setKeyStatus(userName: string, keyId: string, status: KeyStatus): void {
    const key = this.#keyOf(userName, keyId);
    if (this.lostWrites.take('update-key')) return;
    key.status = status;
  }

  deleteKey(userName: string, keyId: string): void {
    const key = this.#keyOf(userName, keyId);
    if (this.lostWrites.take('delete-key')) return;
    this.#keys.delete(key.id);
  }

  #keyOf(userName: string, keyId: string): SimKey {
    const user = this.user(userName);
    const key = this.#keys.get(keyId);
    if (!key || key.user !== user.name)
      throw new EimFault('NoSuchEntity', `The Access Key with id ${keyId} cannot be found.`);
    return key;
  }

  #ensureFree(existing: readonly string[], name: string, what: 'User' | 'Group'): void {
    const lower = name.toLowerCase();
    if (existing.some((other) => other.toLowerCase() === lower)) {
      throw new EimFault('EntityAlreadyExists', `${what} with name ${name} already exists.`);
    }
  }

  #timestamp(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
