/** Each simulated provider's live state for the side panel: groups with members, keys with status, MFA devices. */
import type { World } from './world.ts';

export interface ProviderPanel {
  name: string;
  groups: { name: string; members: string[] }[];
  keys: { owner: string; id: string; status: string }[];
  mfa: { owner: string; device: string; status: string }[];
}

export function providerPanels(world: World): ProviderPanel[] {
  return [cloudflare(world), scaleway(world), outscale(world), jcs(world)];
}

function cloudflare({ cloudflare: { state } }: World): ProviderPanel {
  const emailOf = (memberId: string) => state.members.get(memberId)?.email ?? memberId;
  return {
    name: 'Cloudflare',
    groups: [...state.groups.values()].map((g) => ({ name: g.name, members: g.members.map(emailOf) })),
    keys: [...state.tokens.values()].map((t) => ({
      owner: t.name,
      id: t.id,
      status: `${t.status}, rolled ${t.rolls}×`,
    })),
    mfa: [],
  };
}

function scaleway({ scaleway: { state } }: World): ProviderPanel {
  const bearerName = (kind: string, id: string) =>
    (kind === 'user' ? state.user(id)?.email : state.application(id)?.name) ?? id;
  return {
    name: 'Scaleway',
    groups: state.groups.map((g) => ({
      name: g.name,
      members: [
        ...g.userIds.map((id) => bearerName('user', id)),
        ...g.applicationIds.map((id) => bearerName('application', id)),
      ],
    })),
    keys: state.apiKeys.map((k) => ({
      owner: bearerName(k.bearer.kind, k.bearer.id),
      id: k.accessKey,
      status: k.expiresAt ? `expires ${k.expiresAt}` : 'active',
    })),
    mfa: state.users.map((u) => ({ owner: u.email, device: 'OTP', status: u.mfa ? 'enrolled' : 'none' })),
  };
}

function outscale({ outscale: { state } }: World): ProviderPanel {
  const users = state.users();
  return {
    name: 'Outscale',
    groups: state.groups().map((g) => ({ name: g.name, members: [...g.members] })),
    keys: users.flatMap((u) => state.keysOf(u.name).map((k) => ({ owner: u.name, id: k.id, status: k.status }))),
    mfa: [],
  };
}

function jcs({ jcs: { state } }: World): ProviderPanel {
  const users = state.users();
  const nameOf = (id: string | null) => (id === null ? '(unassigned)' : (state.userById(id)?.name ?? id));
  return {
    name: 'JCS',
    groups: state.groups().map((g) => ({ name: g.name, members: state.members(g.name) })),
    keys: users.flatMap((u) => state.keysOf(u.name).map((k) => ({ owner: u.name, id: k.access, status: 'active' }))),
    mfa: state
      .mfaDevices()
      .map((d) => ({ owner: nameOf(d.userId), device: d.name, status: d.enabled ? 'enabled' : 'disabled' })),
  };
}
