/**
 * The routes of the simulated account, in the order Cloudflare checks a request: route (ids must be
 * well formed), credentials, rate limit, access to the account, permission, then the operation.
 */
import type { SimRequest, SimResponse } from '../shared/sim-server.ts';
import { authenticate, authenticationError, type RateLimiter, type UnknownToken } from './auth.ts';
import { CODES, fail, invalidInput, notFound, ok, PAGE_BOUNDS, pageOf, paging } from './envelope.ts';
import type { CloudflareState, SimAccountMember, SimUserGroup } from './state.ts';
import { accountMemberView, groupMemberView, membersOf, tokenView, userGroupView } from './views.ts';

const ID = /^[0-9a-f]{32}$/;

/**
 * [guess] What adding a member already in the group gets (the code is undocumented: docs/providers/cloudflare.md):
 * 409 `conflict`, 400 `bad_request` (both with the assumed code 1004), or `accept`ed as a no-op.
 */
export type DuplicateMember = 'conflict' | 'bad_request' | 'accept';

/** The answers Cloudflare's docs leave open (docs/providers/cloudflare.md), each played as asked. */
export interface Behaviour {
  duplicateMember: DuplicateMember;
  unknownToken: UnknownToken;
}

interface Context {
  state: CloudflareState;
  request: SimRequest;
  params: Record<string, string>;
  duplicateMember: DuplicateMember;
}

interface Route {
  method: string;
  /** Segments below `/accounts/{account}`; `:name` is a Cloudflare id. */
  pattern: string[];
  handle: (context: Context) => SimResponse;
}

const ROUTES: Route[] = [
  { method: 'GET', pattern: ['iam', 'user_groups'], handle: listGroups },
  {
    method: 'GET',
    pattern: ['iam', 'user_groups', ':group'],
    handle: (c) => withGroup(c, (group) => ok(userGroupView(group))),
  },
  { method: 'GET', pattern: ['iam', 'user_groups', ':group', 'members'], handle: listGroupMembers },
  { method: 'POST', pattern: ['iam', 'user_groups', ':group', 'members'], handle: addGroupMembers },
  { method: 'PUT', pattern: ['iam', 'user_groups', ':group', 'members'], handle: replaceGroupMembers },
  { method: 'DELETE', pattern: ['iam', 'user_groups', ':group', 'members', ':member'], handle: removeGroupMember },
  { method: 'GET', pattern: ['members'], handle: listAccountMembers },
  { method: 'GET', pattern: ['members', ':member'], handle: getAccountMember },
  { method: 'GET', pattern: ['tokens'], handle: listTokens },
  { method: 'GET', pattern: ['tokens', ':token'], handle: getToken },
  { method: 'PUT', pattern: ['tokens', ':token', 'value'], handle: rollToken },
];

export function handle(
  request: SimRequest,
  state: CloudflareState,
  limiter: RateLimiter,
  behaviour: Behaviour,
): SimResponse {
  const [first, account, ...rest] = request.path.split('/').slice(1);
  const matched =
    first === 'accounts' && account !== undefined && ID.test(account) ? match(request.method, rest) : undefined;
  if (!matched) {
    return fail(
      400,
      {
        code: CODES.unroutable,
        message: `Could not route to ${request.path}, perhaps your object identifier is invalid?`,
      },
      { code: CODES.noRoute, message: 'No route for that URI' },
    );
  }
  const auth = authenticate(request, state, behaviour.unknownToken);
  if ('refusal' in auth) return auth.refusal;
  const limited = limiter.take(auth.token.id);
  if (limited) return limited;
  // A read-only token may GET; writing needs a token with write access.
  const allowed =
    account === state.accountId &&
    (auth.token.access === 'write' || (auth.token.access === 'read' && request.method === 'GET'));
  if (!allowed) return authenticationError(403);
  return matched.route.handle({ state, request, params: matched.params, duplicateMember: behaviour.duplicateMember });
}

function match(method: string, segments: string[]): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method || route.pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = route.pattern.every((part, i) => {
      const segment = segments[i] ?? '';
      if (!part.startsWith(':')) return part === segment;
      params[part.slice(1)] = segment;
      return ID.test(segment);
    });
    if (fits) return { route, params };
  }
  return undefined;
}

// ---- user groups ----------------------------------------------------------------------------------

function listGroups({ state, request }: Context): SimResponse {
  const page = paging(request.query, PAGE_BOUNDS.userGroups);
  if (!('page' in page)) return page;
  const { query } = request;
  const id = query.get('id');
  const name = query.get('name');
  const fuzzy = query.get('fuzzyName')?.toLowerCase();
  const groups = [...state.groups.values()]
    .filter(
      (g) =>
        (id === null || g.id === id) &&
        (name === null || g.name === name) &&
        (fuzzy === undefined || g.name.toLowerCase().includes(fuzzy)),
    )
    .sort((a, b) => a.name.localeCompare(b.name) * (query.get('direction') === 'desc' ? -1 : 1));
  return pageOf(groups.map(userGroupView), page);
}

function withGroup({ state, params }: Context, then: (group: SimUserGroup) => SimResponse): SimResponse {
  const group = state.groups.get(params.group ?? '');
  return group ? then(group) : notFound('User group');
}

function listGroupMembers(context: Context): SimResponse {
  return withGroup(context, (group) => {
    const page = paging(context.request.query, PAGE_BOUNDS.userGroupMembers);
    if (!('page' in page)) return page;
    const fuzzy = context.request.query.get('fuzzyEmail')?.toLowerCase();
    const members = byEmail(membersOf(context.state, group), context.request.query.get('direction')).filter(
      (m) => fuzzy === undefined || m.email.toLowerCase().includes(fuzzy),
    );
    return pageOf(members.map(groupMemberView), page);
  });
}

/** The body both member writes take: a bare JSON array of `{ "id": "<account membership id>" }`. */
function memberList({ state, request }: Context): SimAccountMember[] | SimResponse {
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    return invalidInput('Request body must be a JSON array of members');
  }
  if (!Array.isArray(body) || body.length === 0)
    return invalidInput('Request body must be a non-empty JSON array of members');
  const members: SimAccountMember[] = [];
  for (const item of body as unknown[]) {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || !ID.test(id))
      return invalidInput('Each member must be an object with the id of an account member');
    const member = state.members.get(id);
    if (!member) return notFound(`Account member ${id}`);
    members.push(member);
  }
  return members;
}

function addGroupMembers(context: Context): SimResponse {
  return withGroup(context, (group) => {
    const members = memberList(context);
    if (!Array.isArray(members)) return members;
    const present = members.find((m) => group.members.includes(m.id));
    if (present && context.duplicateMember !== 'accept') {
      return fail(context.duplicateMember === 'conflict' ? 409 : 400, {
        code: CODES.duplicate,
        message: `Member ${present.id} is already in the user group`,
      });
    }
    if (!context.state.lostWrites.take('add-member'))
      for (const member of members) context.state.addToGroup(group.id, member.id);
    return ok(members.map(groupMemberView));
  });
}

function replaceGroupMembers(context: Context): SimResponse {
  return withGroup(context, (group) => {
    const members = memberList(context);
    if (!Array.isArray(members)) return members;
    for (const id of group.members.slice()) context.state.removeFromGroup(group.id, id);
    for (const member of members) context.state.addToGroup(group.id, member.id);
    return ok(membersOf(context.state, group).map(groupMemberView));
  });
}

function removeGroupMember(context: Context): SimResponse {
  return withGroup(context, (group) => {
    const member = context.state.members.get(context.params.member ?? '');
    if (!member || !group.members.includes(member.id)) return notFound('Member');
    if (!context.state.lostWrites.take('remove-member')) context.state.removeFromGroup(group.id, member.id);
    return ok(groupMemberView(member));
  });
}

// ---- account members ------------------------------------------------------------------------------

const MEMBER_ORDER: Record<string, (m: SimAccountMember) => string> = {
  'user.email': (m) => m.email,
  'user.first_name': (m) => m.firstName,
  'user.last_name': (m) => m.lastName,
  status: (m) => m.status,
};

function listAccountMembers({ state, request }: Context): SimResponse {
  const page = paging(request.query, PAGE_BOUNDS.accountMembers);
  if (!('page' in page)) return page;
  const order = request.query.get('order');
  const key = order === null ? undefined : MEMBER_ORDER[order];
  if (order !== null && !key) return invalidInput(`order must be one of ${Object.keys(MEMBER_ORDER).join(', ')}`);
  const status = request.query.get('status');
  const sign = request.query.get('direction') === 'desc' ? -1 : 1;
  const members = [...state.members.values()]
    .filter((m) => status === null || m.status === status)
    .sort((a, b) => (key ? key(a).localeCompare(key(b)) * sign : 0));
  return pageOf(members.map(accountMemberView), page);
}

function getAccountMember({ state, params }: Context): SimResponse {
  const member = state.members.get(params.member ?? '');
  return member ? ok(accountMemberView(member)) : notFound('Member');
}

function byEmail(members: SimAccountMember[], direction: string | null): SimAccountMember[] {
  return members.slice().sort((a, b) => a.email.localeCompare(b.email) * (direction === 'desc' ? -1 : 1));
}

// ---- account API tokens ---------------------------------------------------------------------------

function listTokens({ state, request }: Context): SimResponse {
  const page = paging(request.query, PAGE_BOUNDS.accountTokens);
  if (!('page' in page)) return page;
  return pageOf([...state.tokens.values()].map(tokenView), page);
}

function getToken({ state, params }: Context): SimResponse {
  const token = state.tokens.get(params.token ?? '');
  return token ? ok(tokenView(token)) : notFound('Token');
}

/** The body may be empty (the official SDK) or a JSON object (`{}` in Cloudflare's examples). */
function rollToken({ state, params, request }: Context): SimResponse {
  if (request.body.trim() !== '') {
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      body = undefined;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return invalidInput('Request body must be a JSON object');
  }
  const token = state.tokens.get(params.token ?? '');
  if (!token) return notFound('Token');
  return ok(state.roll(token.id));
}
