/**
 * The EIM actions the bot uses, over the simulated account: parameters as the query protocol sends them
 * (form body or query string), AWS-style pagination (`MaxItems` 1..1000, default 100, an opaque
 * `Marker`, `IsTruncated`), `UserName` defaulting to the caller where the API says so.
 */
import { EimFault, missingParameter } from './fault.ts';
import { members, type XmlValue } from './render.ts';
import type { Caller, EimState, SimGroup, SimKey, SimUser } from './state.ts';

type Result = Record<string, XmlValue> | undefined;

export interface ActionContext {
  state: EimState;
  caller: Caller;
  params: URLSearchParams;
}

type Action = (ctx: ActionContext) => Result;

export const ACTIONS: Readonly<Record<string, Action>> = {
  ListUsers: ({ state, params }) => {
    const users = state.users().filter((user) => user.path.startsWith(params.get('PathPrefix') ?? '/'));
    return page(users, (user) => user.name, params, (items) => ({ Users: members(items.map(userXml)) }));
  },
  ListGroups: ({ state, params }) => {
    const groups = state.groups().filter((group) => group.path.startsWith(params.get('PathPrefix') ?? '/'));
    return page(groups, (group) => group.name, params, (items) => ({ Groups: members(items.map(groupXml)) }));
  },
  GetGroup: ({ state, params }) => {
    const group = state.group(entityName(params, 'GroupName'));
    const users = [...group.members].map((name) => state.user(name));
    return page(users, (user) => user.name, params, (items) => ({ Group: groupXml(group), Users: members(items.map(userXml)) }));
  },
  ListGroupsForUser: ({ state, params }) => {
    const groups = state.groupsOf(entityName(params, 'UserName'));
    return page(groups, (group) => group.name, params, (items) => ({ Groups: members(items.map(groupXml)) }));
  },
  AddUserToGroup: ({ state, params }) => {
    state.addMember(entityName(params, 'GroupName'), entityName(params, 'UserName'));
    return undefined;
  },
  RemoveUserFromGroup: ({ state, params }) => {
    state.removeMember(entityName(params, 'GroupName'), entityName(params, 'UserName'));
    return undefined;
  },
  CreateAccessKey: (ctx) => {
    const key = ctx.state.createKey(userName(ctx));
    return { AccessKey: { ...keyXml(key), SecretAccessKey: key.secret } };
  },
  ListAccessKeys: (ctx) => {
    const keys = ctx.state.keysOf(userName(ctx));
    return page(keys, (key) => key.id, ctx.params, (items) => ({ AccessKeyMetadata: members(items.map(keyXml)) }));
  },
  UpdateAccessKey: (ctx) => {
    const status = required(ctx.params, 'Status');
    if (status !== 'Active' && status !== 'Inactive') {
      throw new EimFault(
        'ValidationError',
        `1 validation error detected: Value '${status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`,
      );
    }
    ctx.state.setKeyStatus(userName(ctx), required(ctx.params, 'AccessKeyId'), status);
    return undefined;
  },
  DeleteAccessKey: (ctx) => {
    ctx.state.deleteKey(userName(ctx), required(ctx.params, 'AccessKeyId'));
    return undefined;
  },
};

/** `UserName`, or the calling user when absent (the API's default). */
function userName({ params, caller }: ActionContext): string {
  if (params.get('UserName')) return entityName(params, 'UserName');
  // The account's root credentials own no EIM user; their own keys are outside what this simulator keeps.
  if (!caller.user) throw missingParameter('UserName');
  return caller.user.name;
}

const NAME_PATTERN = /^[\w+=,.@-]+$/;
const NAME_LENGTH: Readonly<Record<'UserName' | 'GroupName', number>> = { UserName: 64, GroupName: 128 };

/** A user or group name, checked against the IAM name rules EIM applies. */
function entityName(params: URLSearchParams, name: 'UserName' | 'GroupName'): string {
  const value = required(params, name);
  const field = name.charAt(0).toLowerCase() + name.slice(1);
  if (value.length > NAME_LENGTH[name]) {
    throw new EimFault('ValidationError', `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${NAME_LENGTH[name]}`);
  }
  if (!NAME_PATTERN.test(value)) {
    throw new EimFault('ValidationError', `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
  }
  return value;
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw missingParameter(name);
  return value;
}

const DEFAULT_MAX_ITEMS = 100;
const MAX_MAX_ITEMS = 1000;

/** One page of `items` in the order of `keyOf`, resuming after the key the marker carries. */
function page<T>(items: readonly T[], keyOf: (item: T) => string, params: URLSearchParams, render: (items: T[]) => Record<string, XmlValue>): Result {
  const maxItems = parseMaxItems(params.get('MaxItems'));
  const marker = params.get('Marker');
  const after = marker === null ? undefined : decodeMarker(marker);
  const ordered = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const rest = after === undefined ? ordered : ordered.filter((item) => keyOf(item) > after);
  const taken = rest.slice(0, maxItems);
  const last = taken.at(-1);
  const truncated = rest.length > maxItems && last !== undefined;
  return { ...render(taken), IsTruncated: truncated, ...(truncated ? { Marker: encodeMarker(keyOf(last)) } : {}) };
}

function parseMaxItems(text: string | null): number {
  if (text === null) return DEFAULT_MAX_ITEMS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_MAX_ITEMS) {
    throw new EimFault(
      'ValidationError',
      `1 validation error detected: Value '${text}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and ${MAX_MAX_ITEMS}`,
    );
  }
  return value;
}

// Markers are opaque to clients; this one carries the last key returned.
function encodeMarker(lastKey: string): string {
  return Buffer.from(JSON.stringify({ after: lastKey }), 'utf8').toString('base64url');
}

function decodeMarker(marker: string): string {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    if (typeof decoded === 'object' && decoded !== null && typeof (decoded as { after?: unknown }).after === 'string') {
      return (decoded as { after: string }).after;
    }
  } catch {
    // reported below
  }
  throw new EimFault('ValidationError', 'Invalid Marker.');
}

function userXml(user: SimUser): XmlValue {
  return { Path: user.path, UserName: user.name, UserId: user.id, Arn: user.arn, CreateDate: user.createdAt };
}

function groupXml(group: SimGroup): XmlValue {
  return { Path: group.path, GroupName: group.name, GroupId: group.id, Arn: group.arn, CreateDate: group.createdAt };
}

function keyXml(key: SimKey): Record<string, XmlValue> {
  return { UserName: key.user, AccessKeyId: key.id, Status: key.status, CreateDate: key.createdAt };
}
