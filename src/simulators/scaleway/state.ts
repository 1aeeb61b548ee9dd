/**
 * The in-memory Organization behind the Scaleway simulator: users, applications, groups and API keys,
 * with seed helpers for tests and the JSON shapes the real API answers (as recorded in
 * scaleway-recorded/). Each bearer has an access level standing in for IAM policies.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { LostWrites } from '../shared/lost-writes.ts';

/** What a bearer's policies allow on IAM: `manager` ~ IAMManager, `read-only` ~ IAMReadOnly. */
export type Access = 'manager' | 'read-only' | 'none';
export type BearerKind = 'user' | 'application';

export interface SimUser {
  id: string;
  email: string;
  username: string;
  type: 'owner' | 'member';
  mfa: boolean;
  access: Access;
  createdAt: string;
  updatedAt: string;
}

export interface SimApplication {
  id: string;
  name: string;
  access: Access;
  createdAt: string;
  updatedAt: string;
}

export interface SimGroup {
  id: string;
  name: string;
  userIds: string[];
  applicationIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface SimApiKey {
  accessKey: string;
  secretKey: string;
  description: string;
  bearer: { kind: BearerKind; id: string };
  defaultProjectId: string;
  createdAt: string;
  expiresAt: string | null;
}

export class ScalewayState {
  readonly users: SimUser[] = [];
  readonly applications: SimApplication[] = [];
  readonly groups: SimGroup[] = [];
  readonly apiKeys: SimApiKey[] = [];
  /** Writes the API acknowledges without doing, checked by the same rules first (see LostWrites). */
  readonly lostWrites = new LostWrites<'add-member' | 'remove-member' | 'delete-api-key' | 'delete-mfa-otp'>();
  /** Creation times advance a second per object, so "ordered by creation date" is deterministic. */
  #clock = Date.UTC(2026, 0, 1);

  constructor(readonly organizationId: string) {}

  addUser(seed: {
    email: string;
    username?: string;
    mfa?: boolean;
    type?: 'owner' | 'member';
    access?: Access;
  }): SimUser {
    const at = this.#tick();
    const user: SimUser = {
      id: randomUUID(),
      email: seed.email,
      username: seed.username ?? seed.email,
      type: seed.type ?? 'member',
      mfa: seed.mfa ?? false,
      access: seed.access ?? 'none',
      createdAt: at,
      updatedAt: at,
    };
    this.users.push(user);
    return user;
  }

  addApplication(seed: { name: string; access?: Access }): SimApplication {
    const at = this.#tick();
    const app: SimApplication = {
      id: randomUUID(),
      name: seed.name,
      access: seed.access ?? 'none',
      createdAt: at,
      updatedAt: at,
    };
    this.applications.push(app);
    return app;
  }

  addGroup(seed: { name: string; userIds?: string[]; applicationIds?: string[] }): SimGroup {
    const at = this.#tick();
    const group: SimGroup = {
      id: randomUUID(),
      name: seed.name,
      userIds: [...(seed.userIds ?? [])],
      applicationIds: [...(seed.applicationIds ?? [])],
      createdAt: at,
      updatedAt: at,
    };
    this.groups.push(group);
    return group;
  }

  addApiKey(seed: { bearer: { kind: BearerKind; id: string }; description?: string; expiresAt?: string }): SimApiKey {
    const key: SimApiKey = {
      accessKey: newAccessKey(),
      secretKey: randomUUID(),
      description: seed.description ?? '',
      bearer: { ...seed.bearer },
      // Recorded answers show the Organization id here when no Project is given.
      defaultProjectId: this.organizationId,
      createdAt: this.#tick(),
      expiresAt: seed.expiresAt ?? null,
    };
    this.apiKeys.push(key);
    return key;
  }

  user(id: string): SimUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  application(id: string): SimApplication | undefined {
    return this.applications.find((a) => a.id === id);
  }

  group(id: string): SimGroup | undefined {
    return this.groups.find((g) => g.id === id);
  }

  apiKey(accessKey: string): SimApiKey | undefined {
    return this.apiKeys.find((k) => k.accessKey === accessKey);
  }

  keysOf(bearerId: string): SimApiKey[] {
    return this.apiKeys.filter((k) => k.bearer.id === bearerId);
  }

  bearer(kind: BearerKind, id: string): SimUser | SimApplication | undefined {
    return kind === 'user' ? this.user(id) : this.application(id);
  }

  deleteApiKey(accessKey: string): void {
    const index = this.apiKeys.findIndex((k) => k.accessKey === accessKey);
    if (index >= 0) this.apiKeys.splice(index, 1);
  }

  touch(group: SimGroup): void {
    group.updatedAt = this.#tick();
  }

  #tick(): string {
    this.#clock += 1_000;
    return new Date(this.#clock).toISOString().replace('Z', '000Z');
  }

  // ---- the JSON the real API answers ----------------------------------------------------------------

  userJson(u: SimUser): Record<string, unknown> {
    return {
      id: u.id,
      email: u.email,
      username: u.username,
      first_name: '',
      last_name: '',
      phone_number: '',
      locale: 'en_US',
      created_at: u.createdAt,
      updated_at: u.updatedAt,
      organization_id: this.organizationId,
      deletable: u.type !== 'owner',
      last_login_at: null,
      type: u.type,
      two_factor_enabled: u.mfa,
      status: 'activated',
      mfa: u.mfa,
      account_root_user_id: '',
      tags: [],
      locked: false,
    };
  }

  applicationJson(a: SimApplication): Record<string, unknown> {
    return {
      id: a.id,
      name: a.name,
      description: '',
      created_at: a.createdAt,
      updated_at: a.updatedAt,
      organization_id: this.organizationId,
      editable: true,
      deletable: true,
      managed: false,
      nb_api_keys: this.keysOf(a.id).length,
      tags: [],
    };
  }

  groupJson(g: SimGroup): Record<string, unknown> {
    return {
      id: g.id,
      created_at: g.createdAt,
      updated_at: g.updatedAt,
      organization_id: this.organizationId,
      name: g.name,
      description: '',
      user_ids: [...g.userIds],
      application_ids: [...g.applicationIds],
      tags: [],
      editable: true,
      deletable: true,
      managed: false,
    };
  }

  /** The secret appears only in the answer to the creation. */
  apiKeyJson(k: SimApiKey, withSecret = false): Record<string, unknown> {
    return {
      access_key: k.accessKey,
      secret_key: withSecret ? k.secretKey : null,
      description: k.description,
      created_at: k.createdAt,
      updated_at: k.createdAt,
      expires_at: k.expiresAt,
      default_project_id: k.defaultProjectId,
      editable: true,
      deletable: true,
      managed: false,
      creation_ip: '127.0.0.1',
      [k.bearer.kind === 'user' ? 'user_id' : 'application_id']: k.bearer.id,
    };
  }
}

const ACCESS_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `SCW` and 17 upper-case letters or digits, the format the official SDKs check. */
function newAccessKey(): string {
  return `SCW${[...randomBytes(17)].map((byte) => ACCESS_KEY_ALPHABET[byte % ACCESS_KEY_ALPHABET.length]).join('')}`;
}
