/** users.info, users.lookupByEmail, users.profile.get and usergroups.users.list. */
import type { SimUser } from '../../directory.ts';
import { clone } from '../../json.ts';
import { invalidArguments, SlackApiError } from '../errors.ts';
import type { MethodCall, MethodHandler } from '../method.ts';
import { str } from '../params.ts';

export const info: MethodHandler = (call, ctx) => {
  const user = ctx.workspace.directory.user(str(call.params, 'user') ?? '');
  if (!user) throw new SlackApiError('user_not_found');
  return { user: visible(user, call) };
};

export const lookupByEmail: MethodHandler = (call, ctx) => {
  const email = str(call.params, 'email');
  if (email === undefined || email === '') throw invalidArguments('missing required field: email');
  const user = ctx.workspace.directory.userByEmail(email);
  if (!user) throw new SlackApiError('users_not_found');
  return { user: visible(user, call) };
};

/** The profile, custom fields included; without `user`, the calling (bot) user's. */
export const profileGet: MethodHandler = (call, ctx) => {
  const user = ctx.workspace.directory.user(str(call.params, 'user') ?? ctx.identity.botUserId);
  if (!user) throw new SlackApiError('user_not_found');
  return { profile: visible(user, call).profile };
};

export const usergroupMembers: MethodHandler = (call, ctx) => {
  const id = str(call.params, 'usergroup');
  if (id === undefined || id === '') throw invalidArguments('missing required field: usergroup');
  const users = ctx.workspace.directory.usergroup(id);
  if (!users) throw new SlackApiError('no_such_subteam');
  return { users };
};

/**
 * usergroups.list (https://docs.slack.dev/reference/methods/usergroups.list): every user group of the
 * team; a disabled one (date_delete set) only with include_disabled; members with include_users, their
 * number with include_count. Entries carry the documented fields; the simulator keeps no names, so a
 * group's name and handle are its id.
 */
export const usergroupsList: MethodHandler = (call, ctx) => {
  const flag = (key: string) => ['true', '1'].includes(str(call.params, key) ?? '');
  const usergroups = ctx.workspace.directory
    .usergroups()
    .filter((group) => !group.disabled || flag('include_disabled'))
    .map((group) => ({
      id: group.id,
      team_id: ctx.identity.teamId,
      is_usergroup: true,
      name: group.id,
      description: '',
      handle: group.id.toLowerCase(),
      is_external: false,
      date_create: 0,
      date_update: 0,
      date_delete: group.disabled ? 1 : 0,
      auto_type: null,
      created_by: 'USLACKBOT',
      updated_by: 'USLACKBOT',
      deleted_by: group.disabled ? 'USLACKBOT' : null,
      prefs: { channels: [], groups: [] },
      ...(flag('include_users') ? { users: group.members } : {}),
      ...(flag('include_count') ? { user_count: group.members.length } : {}),
    }));
  return { usergroups };
};

/** Slack shows the email only to tokens holding users:read.email. */
function visible(user: SimUser, call: MethodCall): SimUser {
  const copy = clone(user);
  if (!call.scopes.includes('users:read.email')) delete copy.profile.email;
  return copy;
}
