/**
 * Group membership. JCS names users and groups in its API, so a group is always passed by name. Adding an
 * existing member (409) and removing a non-member (404) succeed: the wanted state holds.
 */
import type { CallResult, PrincipalRef } from '../../workflow/ports.ts';
import { MAX_GROUPS_PER_USER, MAX_USERS_PER_GROUP, limitOrForbidden } from './limits.ts';
import { refOf } from './principals.ts';
import { listGroupsSchema, listUserInGroupSchema, type JcsUser } from './schemas.ts';
import { callResult } from '../answer.ts';
import type { JcsWireClient } from './wire-client.ts';

/** CheckUserInGroup: 204 when a member, 404 when not (or when the group does not exist). */
export async function isMember(jcs: JcsWireClient, group: string, principal: PrincipalRef): Promise<boolean> {
  const answer = await jcs.act('CheckUserInGroup', { UserName: principal.name, GroupName: group }, { done: [404] });
  return answer.result.status !== 404;
}

/**
 * ListUserInGroup `Name`: every member at once (JCS has no pagination; a group holds at most 100 users),
 * each as `resolvePrincipal` names a user. An unknown group answers 404: not_found.
 */
export async function listMembers(jcs: JcsWireClient, group: string): Promise<PrincipalRef[]> {
  return (await membersOf(jcs, group)).map(refOf);
}

export async function addMember(jcs: JcsWireClient, group: string, principal: PrincipalRef): Promise<CallResult> {
  const answer = await limitOrForbidden(
    () => jcs.act('AssignUserToGroup', { UserName: principal.name, GroupName: group }, { done: [409] }),
    () => groupLimitReached(jcs, group, principal),
  );
  return callResult(answer);
}

export async function removeMember(jcs: JcsWireClient, group: string, principal: PrincipalRef): Promise<CallResult> {
  return callResult(
    await jcs.act('RemoveUserFromGroup', { UserName: principal.name, GroupName: group }, { done: [404] }),
  );
}

/**
 * JCS refuses a full group or a user in too many groups with the same generic 403 as a missing permission
 * (docs/providers/jcs.md, Exact shapes), so the refusal is explained by counting: the user's groups with ListGroupsForUser (GetUser
 * has no group count), the group's members with ListUserInGroup.
 */
async function groupLimitReached(
  jcs: JcsWireClient,
  group: string,
  principal: PrincipalRef,
): Promise<string | undefined> {
  const groups = (await jcs.read('ListGroupsForUser', { Name: principal.name }, listGroupsSchema)).result.groups.length;
  if (groups >= MAX_GROUPS_PER_USER) {
    return `JCS allows a user in at most ${MAX_GROUPS_PER_USER} groups, and ${principal.name} is already in ${groups}.`;
  }
  const members = (await membersOf(jcs, group)).length;
  if (members >= MAX_USERS_PER_GROUP)
    return `JCS allows at most ${MAX_USERS_PER_GROUP} users in a group, and ${group} already has ${members}.`;
  return undefined;
}

async function membersOf(jcs: JcsWireClient, group: string): Promise<JcsUser[]> {
  return (await jcs.read('ListUserInGroup', { Name: group }, listUserInGroupSchema)).result.users;
}
