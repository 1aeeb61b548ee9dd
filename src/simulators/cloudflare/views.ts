/** The simulator's objects in Cloudflare's JSON shapes. */
import type { CloudflareState, SimAccountMember, SimToken, SimUserGroup } from './state.ts';

export function userGroupView(group: SimUserGroup) {
  return { id: group.id, name: group.name, created_on: group.createdOn, modified_on: group.modifiedOn, policies: [] };
}

/** A member as a user group lists it. */
export function groupMemberView(member: SimAccountMember) {
  return { id: member.id, email: member.email, status: member.status };
}

export function accountMemberView(member: SimAccountMember) {
  return {
    id: member.id,
    email: member.email,
    status: member.status,
    user: {
      id: member.userId,
      email: member.email,
      first_name: member.firstName,
      last_name: member.lastName,
      two_factor_authentication_enabled: false,
    },
    roles: [],
    policies: [],
  };
}

/** Never the value: Cloudflare shows it only in the answer that creates or rolls the token. */
export function tokenView(token: SimToken) {
  return {
    id: token.id,
    name: token.name,
    status: token.status,
    issued_on: token.issuedOn,
    modified_on: token.modifiedOn,
    policies: [],
  };
}

export function membersOf(state: CloudflareState, group: SimUserGroup): SimAccountMember[] {
  return group.members.flatMap((id) => {
    const member = state.members.get(id);
    return member ? [member] : [];
  });
}
