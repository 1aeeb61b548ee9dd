/**
 * The EIM actions the bot uses, over the simulated account: parameters as the query protocol sends them
 * (form body or query string), `UserName` defaulting to the caller where the API says so.
 *
 * Each action takes exactly the parameters the EIM reference (provider-docs/outscale-eim.txt, "Request
 * Parameters") lists for it. Only `ListAccessKeys` documents paging (`Marker`, `MaxItems` "by default,
 * 100"); `ListUsers`, `ListGroups`, `GetGroup` and `ListGroupsForUser` document none and their answers
 * show no `IsTruncated`/`Marker` (docs/providers/outscale.md), so they answer whole lists. What EIM answers to an
 * undocumented parameter is not published: by default it is refused, the strict reading; `ignore` plays
 * the lenient alternative, and `pageUndocumentedLists` an AWS-compatible server that pages those lists anyway.
 */
import { EimFault, missingParameter } from './fault.ts';
import { members, type XmlValue } from './render.ts';
import type { Caller, EimState, SimGroup, SimKey, SimUser } from './state.ts';

type Result = Record<string, XmlValue> | undefined;

export interface ListBehaviour {
  /** What an undocumented parameter gets: a `ValidationError`, or silence. */
  undocumentedParameters: 'refuse' | 'ignore';
  /** Page the lists that document no paging, 100 at a time with `Marker`, as AWS IAM does. */
  pageUndocumentedLists: boolean;
}

export const STRICT_LISTS: ListBehaviour = { undocumentedParameters: 'refuse', pageUndocumentedLists: false };

export interface ActionContext {
  state: EimState;
  caller: Caller;
  params: URLSearchParams;
  behaviour: ListBehaviour;
}

interface Action {
  /** The request parameters the reference documents, besides `Action` and `Version`. */
  params: readonly string[];
  run: (ctx: ActionContext) => Result;
}

const PAGING = ['Marker', 'MaxItems'] as const;

export const ACTIONS: Readonly<Record<string, Action>> = {
  ListUsers: {
    params: ['PathPrefix'],
    run: (ctx) => {
      const users = ctx.state.users().filter((user) => user.path.startsWith(ctx.params.get('PathPrefix') ?? '/'));
      return unpagedList(
        ctx,
        users,
        (user) => user.name,
        (items) => ({ Users: members(items.map(userXml)) }),
      );
    },
  },
  ListGroups: {
    params: ['PathPrefix'],
    run: (ctx) => {
      const groups = ctx.state.groups().filter((group) => group.path.startsWith(ctx.params.get('PathPrefix') ?? '/'));
      return unpagedList(
        ctx,
        groups,
        (group) => group.name,
        (items) => ({ Groups: members(items.map(groupXml)) }),
      );
    },
  },
  GetGroup: {
    params: ['GroupName'],
    run: (ctx) => {
      const group = ctx.state.group(entityName(ctx.params, 'GroupName'));
      const users = [...group.members].map((name) => ctx.state.user(name));
      return unpagedList(
        ctx,
        users,
        (user) => user.name,
        (items) => ({ Group: groupXml(group), Users: members(items.map(userXml)) }),
      );
    },
  },
  ListGroupsForUser: {
    params: ['UserName'],
    run: (ctx) => {
      const groups = ctx.state.groupsOf(entityName(ctx.params, 'UserName'));
      return unpagedList(
        ctx,
        groups,
        (group) => group.name,
        (items) => ({ Groups: members(items.map(groupXml)) }),
      );
    },
  },
  AddUserToGroup: {
    params: ['GroupName', 'UserName'],
    run: ({ state, params }) => {
      state.addMember(entityName(params, 'GroupName'), entityName(params, 'UserName'));
      return undefined;
    },
  },
  RemoveUserFromGroup: {
    params: ['GroupName', 'UserName'],
    run: ({ state, params }) => {
      state.removeMember(entityName(params, 'GroupName'), entityName(params, 'UserName'));
      return undefined;
    },
  },
  CreateAccessKey: {
    params: ['UserName'],
    run: (ctx) => {
      const key = ctx.state.createKey(userName(ctx));
      return { AccessKey: { ...keyXml(key), SecretAccessKey: key.secret } };
    },
  },
  ListAccessKeys: {
    params: [...PAGING, 'UserName'],
    run: (ctx) => {
      const keys = ctx.state.keysOf(userName(ctx));
      return page(
        keys,
        (key) => key.id,
        ctx.params,
        (items) => ({ AccessKeyMetadata: members(items.map(keyXml)) }),
      );
    },
  },
  UpdateAccessKey: {
    params: ['AccessKeyId', 'Status', 'UserName'],
    run: (ctx) => {
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
  },
  DeleteAccessKey: {
    params: ['AccessKeyId', 'UserName'],
    run: (ctx) => {
      ctx.state.deleteKey(userName(ctx), required(ctx.params, 'AccessKeyId'));
      return undefined;
    },
  },
};

// Present on every query-protocol request; `X-Amz-*` carry a signature sent in the query string.
const COMMON = new Set(['Action', 'Version']);

/** Runs `name` after refusing parameters its reference does not list (unless told to ignore them). */
export function runAction(name: string, action: Action, ctx: ActionContext): Result {
  const accepted = new Set(ctx.behaviour.pageUndocumentedLists ? [...action.params, ...PAGING] : action.params);
  if (ctx.behaviour.undocumentedParameters === 'refuse') {
    for (const key of new Set(ctx.params.keys())) {
      if (!COMMON.has(key) && !key.startsWith('X-Amz-') && !accepted.has(key)) {
        throw new EimFault('ValidationError', `The parameter ${key} is not recognized for ${name}.`);
      }
    }
  }
  return action.run(ctx);
}

/** A list whose reference documents no paging: whole, unless the simulator plays a server that pages it. */
function unpagedList<T>(
  ctx: ActionContext,
  items: readonly T[],
  keyOf: (item: T) => string,
  render: (items: T[]) => Record<string, XmlValue>,
): Result {
  if (ctx.behaviour.pageUndocumentedLists) return page(items, keyOf, ctx.params, render);
  return render([...items].sort((a, b) => compare(keyOf(a), keyOf(b))));
}

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
    throw new EimFault(
      'ValidationError',
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${NAME_LENGTH[name]}`,
    );
  }
  if (!NAME_PATTERN.test(value)) {
    throw new EimFault(
      'ValidationError',
      `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
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
function page<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  params: URLSearchParams,
  render: (items: T[]) => Record<string, XmlValue>,
): Result {
  const maxItems = parseMaxItems(params.get('MaxItems'));
  const marker = params.get('Marker');
  const after = marker === null ? undefined : decodeMarker(marker);
  const ordered = [...items].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const rest = after === undefined ? ordered : ordered.filter((item) => keyOf(item) > after);
  const taken = rest.slice(0, maxItems);
  const last = taken.at(-1);
  const truncated = rest.length > maxItems && last !== undefined;
  return { ...render(taken), IsTruncated: truncated, ...(truncated ? { Marker: encodeMarker(keyOf(last)) } : {}) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
