/**
 * `iam-bot sandbox --policy FILE`: a policy author's own file run against the simulators. Each provider
 * is pointed at the simulator of its type; the groups, tokens, applications and people the file names
 * are created there (best effort), and every Slack user it names joins the simulated workspace with an
 * email (in the policy's first identity domain, if it names any) and matching provider accounts. The page lists what was created.
 */
import { parse, stringify } from 'yaml';
import { parsePolicy } from '../config/load-policy.ts';
import { principalFor, type Policy } from '../domain/policy.ts';
import type { Persona } from './personas.ts';
import { type World } from './world.ts';

export interface AdoptedPolicy {
  text: string;
  file: string;
  env: Record<string, string>;
  personas: readonly Persona[];
  notes: string[];
}

const SANDBOX_REQUESTER = 'U0SANDBOXREQ';

export function adoptPolicy(world: World, file: string, original: string): AdoptedPolicy {
  // Validated as written first, so mistakes point at the author's file and lines; secrets are the simulators'.
  const { policy } = parsePolicy(original, file, {}, { missingEnv: 'warn' });
  const doc = parse(original) as {
    providers: Record<string, Record<string, unknown>>;
    directory?: { managers?: Record<string, string> };
  };
  const notes: string[] = [];
  for (const [id, provider] of Object.entries(doc.providers)) {
    doc.providers[id] = pointAtSimulator(world, provider);
    notes.push(`Provider ${id} (${String(provider.type)}) runs on the local ${String(provider.type)} simulator.`);
  }
  const users = slackUsersOf(policy);
  // Someone must be able to ask: a requester outside every approver set, whose manager (if the policy uses managers) is a listed user.
  const requesterNeeded = ![...users].some((u) => !inAnyListedSet(policy, u));
  if (requesterNeeded) {
    users.add(SANDBOX_REQUESTER);
    const manager = [...users].find((u) => u !== SANDBOX_REQUESTER);
    if (manager && !policy.managers[SANDBOX_REQUESTER]) {
      doc.directory = { ...doc.directory, managers: { ...doc.directory?.managers, [SANDBOX_REQUESTER]: manager } };
    }
  }
  const personas: Persona[] = [];
  // Emails in a domain the identity rules accept, so the people can request what the file offers.
  const domain = policy.identity.domains?.[0] ?? 'sandbox.example';
  for (const id of users) {
    const name = id === SANDBOX_REQUESTER ? 'requester' : id.toLowerCase().replace(/^u0?/, 'user-');
    const email = `${name}@${domain}`;
    if (!world.slack.workspace.user(id)) world.slack.workspace.addUser({ id, name, realName: name, email });
    const role = id === SANDBOX_REQUESTER ? 'sandbox requester' : rolesOf(policy, id);
    personas.push({ id, name, realName: world.slack.workspace.user(id)?.real_name ?? name, role });
    createAccounts(world, policy, id, email);
  }
  for (const group of usergroupsOf(policy)) {
    const members = [1, 2].map((n) => {
      const id = `U0${group.replace(/[^A-Z0-9]/gi, '').toUpperCase()}${n}`;
      const name = `${group.toLowerCase()}-member-${n}`;
      world.slack.workspace.addUser({ id, name, realName: name, email: `${name}@${domain}` });
      createAccounts(world, policy, id, `${name}@${domain}`);
      personas.push({ id, name, realName: name, role: `member of user group ${group}` });
      return id;
    });
    world.slack.workspace.addUsergroup(group, members);
    notes.push(`Slack user group ${group} has two sandbox members.`);
  }
  notes.push(
    `${users.size} Slack users from the policy joined the workspace with @${domain} emails and provider accounts.`,
  );
  notes.push(...createCatalogTargets(world, policy));
  if (policy.audit.channel && !world.slack.workspace.directory.channel(policy.audit.channel))
    world.slack.workspace.addChannel(policy.audit.channel, 'iam-audit', { botMember: true });
  for (const item of policy.catalog)
    if (item.channel && !world.slack.workspace.directory.channel(item.channel))
      world.slack.workspace.addChannel(item.channel, item.channel.toLowerCase(), { botMember: true });
  return { text: stringify(doc), file, env: world.env, personas, notes };
}

function pointAtSimulator(world: World, provider: Record<string, unknown>): Record<string, unknown> {
  const { type } = provider;
  const common = { type, ...(provider.timeout !== undefined ? { timeout: provider.timeout } : {}) };
  switch (type) {
    case 'cloudflare':
      return {
        ...common,
        accountId: world.cloudflare.accountId,
        token: 'env:CLOUDFLARE_API_TOKEN',
        baseUrl: world.cloudflare.url,
      };
    case 'scaleway':
      return {
        ...common,
        organizationId: world.scaleway.organizationId,
        secretKey: 'env:SCW_SECRET_KEY',
        baseUrl: world.scaleway.url,
      };
    case 'outscale':
      return {
        ...common,
        region: world.outscale.region,
        accessKey: 'env:OSC_ACCESS_KEY',
        secretKey: 'env:OSC_SECRET_KEY',
        endpoint: world.outscale.url,
      };
    case 'jcs':
      return { ...common, endpoint: world.jcs.url, accessKey: 'env:JCS_ACCESS_KEY', secretKey: 'env:JCS_SECRET_KEY' };
    default:
      return provider;
  }
}

function slackUsersOf(policy: Policy): Set<string> {
  const users = new Set<string>();
  for (const set of Object.values(policy.sets)) for (const u of set.users) users.add(u);
  for (const u of Object.keys(policy.identity.map)) users.add(u);
  for (const [u, manager] of Object.entries(policy.managers)) users.add(u).add(manager);
  return users;
}

function usergroupsOf(policy: Policy): Set<string> {
  return new Set(Object.values(policy.sets).flatMap((set) => set.usergroups));
}

function inAnyListedSet(policy: Policy, user: string): boolean {
  return Object.values(policy.sets).some((set) => set.users.includes(user));
}

function rolesOf(policy: Policy, user: string): string {
  const sets = Object.values(policy.sets)
    .filter((set) => set.users.includes(user))
    .map((set) => set.name);
  const manages = Object.values(policy.managers).includes(user);
  return [...sets, ...(manages ? ['a manager'] : [])].join(', ') || 'requester';
}

/** The person's account on every provider, named as the policy's identity rules name it. */
function createAccounts(world: World, policy: Policy, user: string, email: string): void {
  for (const [providerId, type] of Object.entries(policy.providers)) {
    const principal = principalFor(policy.identity, providerId, user, email);
    if (!principal.ok) continue;
    const name = principal.principal;
    if (type === 'cloudflare' && ![...world.cloudflare.state.members.values()].some((m) => m.email === name))
      world.cloudflare.state.addMember(name);
    if (type === 'scaleway' && !world.scaleway.state.users.some((u) => u.email === name)) {
      const created = world.scaleway.state.addUser({
        email: name.includes('@') ? name : `${name}@sandbox.example`,
        username: name.split('@')[0] ?? name,
        mfa: true,
      });
      world.scaleway.state.addApiKey({ bearer: { kind: 'user', id: created.id }, description: 'sandbox key' });
    }
    if (type === 'outscale' && !world.outscale.state.users().some((u) => u.name === name)) {
      world.outscale.state.addUser(name);
      world.outscale.state.createKey(name);
    }
    if (type === 'jcs' && !world.jcs.state.users().some((u) => u.name === name)) {
      world.jcs.state.addUser({ name, email });
      world.jcs.state.addKey(name);
      // Named as the default `mfaDeviceName` rule (`{user}`) names a user's device: JCS lists no owners.
      world.jcs.state.addMfaDevice(name, name);
    }
  }
}

/** Groups for group requests, tokens and applications for service key rotations. */
function createCatalogTargets(world: World, policy: Policy): string[] {
  const notes: string[] = [];
  const done = new Set<string>();
  for (const item of policy.catalog) {
    const type = policy.providers[item.provider];
    const target = item.group ?? item.principal;
    if (!target || done.has(`${type}:${target}`)) continue;
    done.add(`${type}:${target}`);
    const what = item.group ? 'group' : 'key owner';
    if (item.group) {
      if (type === 'cloudflare' && ![...world.cloudflare.state.groups.values()].some((g) => g.name === target)) {
        const group = world.cloudflare.state.addGroup(target);
        // A policy naming the group by id keeps that id, so the file needs no change to run here.
        if (/^[0-9a-f]{32}$/.test(target)) {
          world.cloudflare.state.groups.delete(group.id);
          world.cloudflare.state.groups.set(target, Object.assign(group, { id: target }));
        }
      }
      if (type === 'scaleway' && !world.scaleway.state.groups.some((g) => g.name === target || g.id === target)) {
        const group = world.scaleway.state.addGroup({ name: target });
        if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(target)) group.id = target;
      }
      if (type === 'outscale' && !world.outscale.state.groups().some((g) => g.name === target))
        world.outscale.state.addGroup(target);
      if (type === 'jcs' && !world.jcs.state.groups().some((g) => g.name === target)) world.jcs.state.addGroup(target);
    } else if (type === 'cloudflare') {
      world.cloudflare.state.addToken(target);
    } else if (type === 'scaleway') {
      const app = world.scaleway.state.addApplication({ name: target });
      world.scaleway.state.addApiKey({ bearer: { kind: 'application', id: app.id }, description: 'sandbox key' });
    } else if (type === 'outscale' && !world.outscale.state.users().some((u) => u.name === target)) {
      world.outscale.state.addUser(target);
      world.outscale.state.createKey(target);
    } else if (type === 'jcs' && !world.jcs.state.users().some((u) => u.name === target)) {
      world.jcs.state.addUser({ name: target });
      world.jcs.state.addKey(target);
    }
    notes.push(`Created ${what} "${target}" on ${item.provider} for ${item.id}.`);
  }
  return notes;
}
