/**
 * The Scaleway IAM v1alpha1 endpoints iam-bot and the official SDK use, answered from ScalewayState:
 * `X-Auth-Token` authentication against the simulated API keys, access checks, argument validation,
 * page-number pagination with `total_count`, the API key quota, and on demand one `transient_state`
 * conflict on group edits (what concurrent edits of a group cause on the real service).
 */
import type { SimRequest, SimResponse } from '../shared/sim-server.ts';
import {
  alreadyExists,
  answer,
  deniedAuthentication,
  invalidArgument,
  noContent,
  notFound,
  notSimulated,
  permissionsDenied,
  quotaExceeded,
  transientState,
} from './errors.ts';
import type { Access, BearerKind, ScalewayState, SimApiKey } from './state.ts';

export const API_PREFIX = '/iam/v1alpha1';

/**
 * [guess] What a second add of the same member gets (docs/providers/scaleway.md): refused with 409 `already_exists`, or
 * accepted as a no-op answering the Group. No recording shows which.
 */
export type DuplicateMember = 'refuse' | 'accept';

export interface ApiConfig {
  /** API keys the Organization may hold. */
  apiKeyQuota: number;
  duplicateMember: DuplicateMember;
  /** Page size of a list request that names none. */
  defaultPageSize: number;
}

interface Caller {
  key: SimApiKey;
  access: Access;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** Names the resource in a `permissions_denied` answer ([guess]: Scaleway's own names are not recorded). */
  resource: string;
  write: boolean;
  run: (api: ScalewayApi, call: Call) => SimResponse;
}

interface Call {
  request: SimRequest;
  params: string[];
  caller: Caller;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PAGE_SIZE = 100;
const MAX_DESCRIPTION = 200;

const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/users$/, resource: 'iam_user', write: false, run: (api, c) => api.listUsers(c) },
  { method: 'GET', pattern: /^\/users\/([^/]+)$/, resource: 'iam_user', write: false, run: (api, c) => api.getUser(c) },
  {
    method: 'DELETE',
    pattern: /^\/users\/([^/]+)\/mfa-otp$/,
    resource: 'iam_user',
    write: true,
    run: (api, c) => api.deleteMfaOtp(c),
  },
  {
    method: 'GET',
    pattern: /^\/applications$/,
    resource: 'iam_application',
    write: false,
    run: (api, c) => api.listApplications(c),
  },
  {
    method: 'GET',
    pattern: /^\/applications\/([^/]+)$/,
    resource: 'iam_application',
    write: false,
    run: (api, c) => api.getApplication(c),
  },
  { method: 'GET', pattern: /^\/groups$/, resource: 'iam_group', write: false, run: (api, c) => api.listGroups(c) },
  {
    method: 'GET',
    pattern: /^\/groups\/([^/]+)$/,
    resource: 'iam_group',
    write: false,
    run: (api, c) => api.getGroup(c),
  },
  {
    method: 'POST',
    pattern: /^\/groups\/([^/]+)\/add-member$/,
    resource: 'iam_group',
    write: true,
    run: (api, c) => api.editGroup(c, 'add'),
  },
  {
    method: 'POST',
    pattern: /^\/groups\/([^/]+)\/remove-member$/,
    resource: 'iam_group',
    write: true,
    run: (api, c) => api.editGroup(c, 'remove'),
  },
  {
    method: 'GET',
    pattern: /^\/api-keys$/,
    resource: 'iam_api_key',
    write: false,
    run: (api, c) => api.listApiKeys(c),
  },
  {
    method: 'POST',
    pattern: /^\/api-keys$/,
    resource: 'iam_api_key',
    write: true,
    run: (api, c) => api.createApiKey(c),
  },
  {
    method: 'GET',
    pattern: /^\/api-keys\/([^/]+)$/,
    resource: 'iam_api_key',
    write: false,
    run: (api, c) => api.getApiKey(c),
  },
  {
    method: 'DELETE',
    pattern: /^\/api-keys\/([^/]+)$/,
    resource: 'iam_api_key',
    write: true,
    run: (api, c) => api.deleteApiKey(c),
  },
];

export class ScalewayApi {
  #transientEdits = 0;

  constructor(
    private readonly state: ScalewayState,
    private readonly config: ApiConfig,
  ) {}

  /** The next `count` group edits answer 409 `transient_state` without changing the group. */
  forceTransientState(count = 1): void {
    this.#transientEdits += count;
  }

  handle(request: SimRequest): SimResponse {
    const path = request.path.startsWith(API_PREFIX) ? request.path.slice(API_PREFIX.length) : undefined;
    const found = path === undefined ? undefined : matchRoute(request.method, path);
    if (!found) return notSimulated(request.method, request.path);
    const caller = this.#authenticate(request);
    if (!('key' in caller)) return caller;
    const { route, params } = found;
    const allowed = route.write ? caller.access === 'manager' : caller.access !== 'none';
    if (!allowed) return permissionsDenied(route.write ? 'write' : 'read', route.resource);
    return route.run(this, { request, params, caller });
  }

  #authenticate(request: SimRequest): Caller | SimResponse {
    const token = request.headers['x-auth-token'];
    if (typeof token !== 'string' || !UUID.test(token)) return deniedAuthentication('invalid_argument');
    const key = this.state.apiKeys.find((k) => k.secretKey === token);
    if (!key) return deniedAuthentication('not_found');
    if (key.expiresAt !== null && Date.parse(key.expiresAt) <= Date.now()) return deniedAuthentication('expired');
    return { key, access: this.state.bearer(key.bearer.kind, key.bearer.id)?.access ?? 'none' };
  }

  // ---- users and applications -------------------------------------------------------------------

  listUsers({ request }: Call): SimResponse {
    const q = request.query;
    const ids = q.getAll('user_ids');
    const mfa = q.get('mfa');
    const type = q.get('type');
    const users = this.state.users.filter(
      (u) =>
        (ids.length === 0 || ids.includes(u.id)) &&
        (mfa === null || String(u.mfa) === mfa) &&
        (type === null || type === 'unknown_type' || u.type === type) &&
        // Simulated objects carry no tags.
        q.get('tag') === null,
    );
    return this.#page(request, 'users', users, (u) => this.state.userJson(u));
  }

  getUser({ params: [id = ''] }: Call): SimResponse {
    if (!UUID.test(id)) return invalidArgument('user_id', 'format', 'must be a UUID');
    const user = this.state.user(id);
    return user ? answer(200, this.state.userJson(user)) : notFound('user', id);
  }

  /** Resets MFA: the user enrols again at next login. */
  deleteMfaOtp({ params: [id = ''] }: Call): SimResponse {
    if (!UUID.test(id)) return invalidArgument('user_id', 'format', 'must be a UUID');
    const user = this.state.user(id);
    if (!user) return notFound('user', id);
    // [guess] The answer for a user without an OTP is not recorded.
    if (!user.mfa) return notFound('mfa_otp', id);
    if (this.state.lostWrites.take('delete-mfa-otp')) return noContent();
    user.mfa = false;
    return noContent();
  }

  listApplications({ request }: Call): SimResponse {
    const name = request.query.get('name')?.toLowerCase();
    const ids = request.query.getAll('application_ids');
    const apps = this.state.applications.filter(
      (a) => (name === undefined || a.name.toLowerCase().includes(name)) && (ids.length === 0 || ids.includes(a.id)),
    );
    return this.#page(request, 'applications', apps, (a) => this.state.applicationJson(a));
  }

  getApplication({ params: [id = ''] }: Call): SimResponse {
    if (!UUID.test(id)) return invalidArgument('application_id', 'format', 'must be a UUID');
    const app = this.state.application(id);
    return app ? answer(200, this.state.applicationJson(app)) : notFound('application', id);
  }

  // ---- groups -----------------------------------------------------------------------------------

  listGroups({ request }: Call): SimResponse {
    const q = request.query;
    // [guess] `name` matches any part of the name, case-insensitively.
    const name = q.get('name')?.toLowerCase();
    const userIds = q.getAll('user_ids');
    const appIds = q.getAll('application_ids');
    const groupIds = q.getAll('group_ids');
    const groups = this.state.groups.filter(
      (g) =>
        (name === undefined || g.name.toLowerCase().includes(name)) &&
        (userIds.length === 0 || userIds.some((id) => g.userIds.includes(id))) &&
        (appIds.length === 0 || appIds.some((id) => g.applicationIds.includes(id))) &&
        (groupIds.length === 0 || groupIds.includes(g.id)) &&
        q.get('tag') === null,
    );
    return this.#page(request, 'groups', groups, (g) => this.state.groupJson(g));
  }

  getGroup({ params: [id = ''] }: Call): SimResponse {
    if (!UUID.test(id)) return invalidArgument('group_id', 'format', 'must be a UUID');
    const group = this.state.group(id);
    return group ? answer(200, this.state.groupJson(group)) : notFound('group', id);
  }

  editGroup({ request, params: [id = ''] }: Call, edit: 'add' | 'remove'): SimResponse {
    const body = jsonObject(request.body);
    if (!body) return invalidArgument('body', 'format', 'expected a JSON object');
    const member = oneOf(body, 'user_id', 'application_id');
    if (typeof member === 'string') return invalidArgument('member', 'required', member);
    if (!UUID.test(id)) return invalidArgument('group_id', 'format', 'must be a UUID');
    const group = this.state.group(id);
    if (!group) return notFound('group', id);
    if (this.#transientEdits > 0) {
      this.#transientEdits--;
      return transientState('group', id);
    }
    const kind: BearerKind = member.name === 'user_id' ? 'user' : 'application';
    if (!this.state.bearer(kind, member.value)) return notFound(kind, member.value);
    const members = kind === 'user' ? group.userIds : group.applicationIds;
    const index = members.indexOf(member.value);
    if (edit === 'add') {
      if (index >= 0)
        return this.config.duplicateMember === 'refuse'
          ? alreadyExists(member.value)
          : answer(200, this.state.groupJson(group));
      // A lost write answers the group as it would be: the recorded answer to add-member shows the new member.
      if (this.state.lostWrites.take('add-member'))
        return answer(200, {
          ...this.state.groupJson(group),
          [kind === 'user' ? 'user_ids' : 'application_ids']: [...members, member.value],
        });
      members.push(member.value);
    } else {
      // As recorded: removing a non-member is a 404 with an empty resource name.
      if (index < 0) return notFound('', member.value);
      if (this.state.lostWrites.take('remove-member'))
        return answer(200, {
          ...this.state.groupJson(group),
          [kind === 'user' ? 'user_ids' : 'application_ids']: members.filter((m) => m !== member.value),
        });
      members.splice(index, 1);
    }
    this.state.touch(group);
    return answer(200, this.state.groupJson(group));
  }

  // ---- API keys ---------------------------------------------------------------------------------

  listApiKeys({ request }: Call): SimResponse {
    const q = request.query;
    const bearerId = q.get('bearer_id') ?? q.get('user_id') ?? q.get('application_id');
    const bearerType = q.get('user_id') ? 'user' : q.get('application_id') ? 'application' : q.get('bearer_type');
    const accessKeys = [...q.getAll('access_keys'), ...q.getAll('access_key')];
    const description = q.get('description');
    const expired = q.get('expired');
    const now = Date.now();
    const keys = this.state.apiKeys.filter(
      (k) =>
        (bearerId === null || k.bearer.id === bearerId) &&
        (bearerType === null || bearerType === 'unknown_bearer_type' || k.bearer.kind === bearerType) &&
        (accessKeys.length === 0 || accessKeys.includes(k.accessKey)) &&
        (description === null || k.description === description) &&
        (expired === null || String(k.expiresAt !== null && Date.parse(k.expiresAt) <= now) === expired),
    );
    return this.#page(request, 'api_keys', keys, (k) => this.state.apiKeyJson(k));
  }

  getApiKey({ params: [accessKey = ''] }: Call): SimResponse {
    const key = this.state.apiKey(accessKey);
    return key ? answer(200, this.state.apiKeyJson(key)) : notFound('access_key', accessKey);
  }

  createApiKey({ request, caller }: Call): SimResponse {
    const body = jsonObject(request.body);
    if (!body) return invalidArgument('body', 'format', 'expected a JSON object');
    const bearer = oneOf(body, 'user_id', 'application_id');
    if (typeof bearer === 'string') return invalidArgument('bearer', 'required', bearer);
    const description = body.description ?? '';
    if (typeof description !== 'string' || description.length > MAX_DESCRIPTION) {
      return invalidArgument('description', 'constraint', `must be a string of at most ${MAX_DESCRIPTION} characters`);
    }
    const expiresAt = body.expires_at;
    if (expiresAt !== undefined && (typeof expiresAt !== 'string' || !(Date.parse(expiresAt) > Date.now()))) {
      return invalidArgument('expires_at', 'constraint', 'must be a date in the future');
    }
    const kind: BearerKind = bearer.name === 'user_id' ? 'user' : 'application';
    if (!this.state.bearer(kind, bearer.value)) return notFound(kind, bearer.value);
    // Scaleway's documentation: keys can be generated for your own user, never for another user.
    if (kind === 'user' && caller.key.bearer.id !== bearer.value) return permissionsDenied('write', 'iam_api_key');
    const current = this.state.apiKeys.length;
    if (current >= this.config.apiKeyQuota)
      return quotaExceeded('api_keys', this.config.apiKeyQuota, current, this.state.organizationId);
    const key = this.state.addApiKey({
      bearer: { kind, id: bearer.value },
      description,
      ...(typeof expiresAt === 'string' && { expiresAt: new Date(expiresAt).toISOString() }),
    });
    return answer(200, this.state.apiKeyJson(key, true));
  }

  deleteApiKey({ params: [accessKey = ''] }: Call): SimResponse {
    if (!this.state.apiKey(accessKey)) return notFound('access_key', accessKey);
    if (this.state.lostWrites.take('delete-api-key')) return noContent();
    this.state.deleteApiKey(accessKey);
    return noContent();
  }

  // ---- pagination -------------------------------------------------------------------------------

  /** One page of `items` in creation order, validated as the real service does, with `total_count`. */
  #page<T>(request: SimRequest, key: string, items: T[], render: (item: T) => unknown): SimResponse {
    const q = request.query;
    const organizationId = q.get('organization_id');
    if (organizationId === null) return invalidArgument('organization_id', 'required', 'organization_id is required');
    if (!UUID.test(organizationId)) return invalidArgument('organization_id', 'format', 'must be a UUID');
    if (organizationId !== this.state.organizationId) return permissionsDenied('read', 'organization');
    const page = positiveInt(q.get('page'), 1);
    if (page === undefined) return invalidArgument('page', 'constraint', 'must be greater or equal to 1');
    const size = positiveInt(q.get('page_size'), this.config.defaultPageSize);
    if (size === undefined || size > MAX_PAGE_SIZE)
      return invalidArgument('page_size', 'constraint', `must be between 1 and ${MAX_PAGE_SIZE}`);
    const ordered = q.get('order_by')?.endsWith('_desc') ? [...items].reverse() : items;
    const slice = ordered.slice((page - 1) * size, page * size);
    return answer(200, { [key]: slice.map(render), total_count: items.length });
  }
}

function matchRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of ROUTES) {
    const match = route.method === method ? route.pattern.exec(path) : null;
    if (match) return { route, params: match.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}

function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The one field of a one-of pair that is set (Scaleway's "at most one of … could be set"), or why not. */
function oneOf(body: Record<string, unknown>, a: string, b: string): { name: string; value: string } | string {
  const set = [a, b].filter((name) => typeof body[name] === 'string' && body[name] !== '');
  const [name] = set;
  if (set.length !== 1 || name === undefined) return `exactly one of ${a} and ${b} must be set`;
  return { name, value: body[name] as string };
}

function positiveInt(text: string | null, fallback: number): number | undefined {
  if (text === null) return fallback;
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 ? value : undefined;
}
