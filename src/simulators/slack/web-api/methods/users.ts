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

/** Slack shows the email only to tokens holding users:read.email. */
function visible(user: SimUser, call: MethodCall): SimUser {
  const copy = clone(user);
  if (!call.scopes.includes('users:read.email')) delete copy.profile.email;
  return copy;
}
