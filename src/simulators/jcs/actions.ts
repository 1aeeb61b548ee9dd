/**
 * The JCS actions the bot uses, answered in the shapes of the server source (docs/providers/jcs.md, "Exact shapes" and
 * "Exact shapes"): JSON bodies, 204 with an empty body for void actions, every list whole (JCS has no
 * pagination). Where docs/providers/jcs.md marks a behaviour [guess], `build` chooses which one is played.
 */
import { json, type SimResponse } from '../shared/sim-server.ts';
import type { JcsBuild } from './builds.ts';
import { JcsSimError } from './errors.ts';
import type { JcsState, SimGroup, SimKey, SimMfaDevice, SimUser } from './state.ts';

export type Params = Readonly<Record<string, string | undefined>>;
/** The user owning the access key a request was signed with; undefined for the account's root key. */
export type Action = (params: Params, caller: SimUser | undefined) => SimResponse;

const NO_CONTENT: SimResponse = { status: 204 };

const ASSIGNMENT_FILTERS = new Map<string, (device: SimMfaDevice) => boolean>([
  ['any', () => true],
  ['enabled', (device) => device.enabled],
  ['disabled', (device) => !device.enabled],
]);

export function actions(state: JcsState, build: JcsBuild): Readonly<Record<string, Action>> {
  // GetUser and ListUserInGroup: no `group_count`, no `password`.
  const userView = (user: SimUser) => ({
    id: user.id,
    name: user.name,
    account_id: state.accountId,
    enabled: true,
    ...(user.email !== undefined && { email: user.email }),
  });
  // ListUsers adds the group count, and `password` saying whether the user has one.
  const listedUserView = (user: SimUser) => ({
    ...userView(user),
    group_count: state.groupsOf(user.name).length,
    password: user.hasPassword ? 'Yes' : 'No',
  });
  const groupView = (group: SimGroup) => ({
    id: group.id,
    name: group.name,
    account_id: state.accountId,
    description: group.description,
  });
  // No policy is ever attached here: ListGroups then says `policies: ""`, an empty string.
  const listedGroupView = (group: SimGroup) => ({ ...groupView(group), policies: '' });
  const deviceView = (device: SimMfaDevice) => ({
    id: device.id,
    name: device.name,
    created_at: device.createdAt,
    ...(build.mfaListOwners && { user_id: device.userId }),
  });
  const credentialView = (key: SimKey) => ({ id: key.id, user_id: key.userId, blob: { access: key.access } });
  /** An optional UserName means the caller, which the account's root key is not. */
  const userOrCaller = (params: Params, caller: SimUser | undefined) =>
    params.UserName ? state.user(params.UserName) : (caller ?? missing('UserName'));

  return {
    ListUsers: () => json(200, { users: state.users().map(listedUserView) }),
    ListGroups: () => json(200, { groups: state.groups().map(listedGroupView) }),
    GetUser: (params) => json(200, { user: userView(state.user(required(params, 'Name'))) }),
    ListGroupsForUser: (params) =>
      json(200, {
        groups: state.groupsOf(state.user(required(params, 'Name')).name).map((name) => groupView(state.group(name))),
      }),
    ListUserInGroup: (params) =>
      json(200, { users: state.members(required(params, 'Name')).map((name) => userView(state.user(name))) }),
    AssignUserToGroup: (params) => {
      state.addMember(required(params, 'GroupName'), required(params, 'UserName'));
      return NO_CONTENT;
    },
    RemoveUserFromGroup: (params) => {
      state.removeMember(required(params, 'GroupName'), required(params, 'UserName'));
      return NO_CONTENT;
    },
    CheckUserInGroup: (params) => {
      const group = required(params, 'GroupName');
      const user = required(params, 'UserName');
      if (!state.members(group).includes(state.user(user).name))
        throw new JcsSimError(404, `User ${user} is not a member of group ${group}`);
      return NO_CONTENT;
    },
    CreateCredential: (params, caller) => {
      const key = state.addKey(userOrCaller(params, caller).name);
      // The secret appears here only, inside a JSON string.
      return json(200, {
        id: key.id,
        user_id: key.userId,
        blob: JSON.stringify({ access: key.access, secret: key.secret }),
      });
    },
    GetUserCredential: (params) =>
      json(200, { credentials: state.keysOf(required(params, 'UserName')).map(credentialView) }),
    DeleteCredential: (params) => {
      if (!params.AccessKey && !params.Id) throw new JcsSimError(400, 'Either AccessKey or Id is required');
      state.deleteKey(params.AccessKey ? { access: params.AccessKey } : { id: params.Id ?? '' });
      return NO_CONTENT;
    },
    ListVirtualMFADevices: (params) => {
      const status = required(params, 'AssignmentStatus');
      const filter = ASSIGNMENT_FILTERS.get(status);
      if (!filter) throw new JcsSimError(400, `AssignmentStatus must be any, enabled or disabled, not ${status}`);
      return json(200, { entities: state.mfaDevices().filter(filter).map(deviceView) });
    },
    DeactivateMFADevice: (params, caller) => {
      state.deactivateMfaDevice(required(params, build.deactivateDeviceParam), userOrCaller(params, caller).name);
      return NO_CONTENT;
    },
    DeleteVirtualMFADevice: (params) => {
      state.deleteMfaDevice(required(params, 'Name'));
      return NO_CONTENT;
    },
  };
}

function required(params: Params, name: string): string {
  return params[name] || missing(name);
}

function missing(name: string): never {
  throw new JcsSimError(400, `Missing required parameter ${name}`);
}
