/**
 * How the provider contract suite (contract.test.ts) meets each provider: its strict simulator started
 * fresh, the adapter the registry builds from settings pointing at it (the same `createProvider` path the
 * bot takes), and the few things only the simulator can do — seed an account, read its state without the
 * adapter, break its credentials, throttle it. One entry per type in `PROVIDERS` (tsc checks it); the suite
 * itself never names a provider.
 */
import { randomUUID } from 'node:crypto';
import type { ProviderSettings } from '../../src/config/provider-settings.ts';
import { Secret } from '../../src/domain/secret.ts';
import { createProvider, type PROVIDERS } from '../../src/providers/registry.ts';
import type { PrincipalRef, Provider } from '../../src/workflow/ports.ts';
import { startCloudflareSimulator } from '../../src/simulators/cloudflare/index.ts';
import { startJcsSimulator } from '../../src/simulators/jcs/index.ts';
import { startOutscaleSimulator } from '../../src/simulators/outscale/index.ts';
import { startScalewaySimulator } from '../../src/simulators/scaleway/index.ts';
import type { Fault, SimServer } from '../../src/simulators/shared/sim-server.ts';
import { captureLog } from '../support/capture-log.ts';

/** Attempts per call the suite's adapters make (the first included). */
export const MAX_ATTEMPTS = 3;

/** A write the simulator can acknowledge without doing (each simulator's `lostWrites`). */
export type LostWrite = 'add-member' | 'remove-member';

/** One simulator and the adapter built for it. Names (`alice`, `devs`) are the suite's; the world maps them. */
export interface World {
  /** The adapter under test, built by the registry from settings for this simulator. */
  provider: Provider;
  server: SimServer;
  /** Retry waits the adapters asked for, in ms (none is really waited). */
  waits: number[];
  /** Everything the adapters logged (JSON lines). */
  logs(): string;

  /** Seeds a person and returns the identity the policy's identity rules would give for them. */
  person(name: string): string;
  /** Seeds a group and returns the id membership calls take. */
  group(name: string): string;
  /** Makes a seeded person a member, through the simulator's state (not the API). */
  seedMember(group: string, person: string): void;
  /** The group's members as the simulator holds them, in its own terms, sorted. */
  membersInSim(group: string): string[];
  /** A group id of the provider's form that names no group. */
  missingGroup: string;
  /** A principal of the provider's form that names nobody in the account. */
  missingPrincipal: PrincipalRef;
  /** The next membership write of `kind` is acknowledged and not done. */
  lose(kind: LostWrite): void;

  /** An adapter on this simulator with credentials the provider does not accept. */
  withBadCredentials(): Provider;
  /** An adapter on this simulator whose credentials may read groups but not change their members. */
  withoutWriteAccess(): Provider;
  /** The credentials the adapters hold, as text: what must never reach a log or an error. */
  credentials: string[];

  /** Makes a seeded service principal a member, where service principals can be (not Cloudflare's tokens). */
  seedServiceMember?(group: string, service: string): void;
  /** Seeds the service principal a key rotation names; returns the identity `resolvePrincipal(…, 'service')` takes. */
  service(name: string): string;
  /** Seeds a key for a seeded service principal (create-style providers), returning its id. */
  seedKey?(service: string): string;
  /** The ids of the principal's keys as the simulator holds them, sorted. */
  keysInSim(service: string): string[];

  /** Gives a seeded person the MFA device a reset removes (providers that can reset MFA). */
  enrolMfa?(person: string): void;
  /** Whether the simulator still holds the person's MFA device. */
  mfaInSim?(person: string): boolean;

  close(): Promise<void>;
}

export interface Harness {
  /** A fresh simulator and its adapter. */
  start(): Promise<World>;
  /** The form of the provider's request ids (what its support asks for), as its simulator makes them. */
  requestId: RegExp;
  /** The provider's own throttling answer where it differs from a plain 429 with Retry-After (the fault to inject). */
  nativeThrottle?: { name: string; fault: Fault };
  /**
   * Calls whose answer for an unknown group is the answer for a non-member, where the provider's wire cannot
   * tell the two apart: `isMember` false, `removeMember` done. Elsewhere (the default) both are `not_found`.
   */
  unknownGroupLooksEmpty?: { isMember?: true; removeMember?: true };
  /** The same for a principal the account does not have (adding one is `not_found` everywhere). */
  unknownPrincipalLooksAbsent?: { isMember?: true; removeMember?: true };
}

/** Adapters built by the registry with the suite's logger and recorded (not slept) waits. */
function adapters() {
  const { log, text } = captureLog();
  const waits: number[] = [];
  const opened: Provider[] = [];
  const build = (settings: ProviderSettings): Provider => {
    const provider = createProvider(settings, {
      log,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    opened.push(provider);
    return provider;
  };
  const closeAll = async () => {
    await Promise.all(opened.map((p) => p.close()));
  };
  return { build, waits, logs: text, closeAll };
}

function lookup<T>(map: Map<string, T>, name: string): T {
  const found = map.get(name);
  if (found === undefined) throw new Error(`the suite never seeded ${name}`);
  return found;
}

const common = { timeoutMs: 2_000, maxAttempts: MAX_ATTEMPTS } as const;

const jcs: Harness = {
  // CheckUserInGroup and RemoveUserFromGroup answer one 404 for a non-member and for an unknown group
  // (src/providers/jcs/membership.ts).
  unknownGroupLooksEmpty: { isMember: true, removeMember: true },
  unknownPrincipalLooksAbsent: { isMember: true, removeMember: true },
  requestId: /^req-[0-9a-f-]{36}$/,
  start: async (): Promise<World> => {
    const sim = await startJcsSimulator();
    const { build, waits, logs, closeAll } = adapters();
    const settings = {
      ...common,
      type: 'jcs',
      id: 'jcs-contract',
      endpoint: sim.url,
      accessKey: new Secret(sim.credentials.accessKey),
      secretKey: new Secret(sim.credentials.secretKey),
      mfaDeviceName: '{user}',
    } as const;
    return {
      provider: build(settings),
      server: sim.server,
      waits,
      logs,
      credentials: [sim.credentials.accessKey, sim.credentials.secretKey],
      person: (name) => sim.state.addUser({ name, email: `${name}@example.com` }) && `${name}@example.com`,
      group: (name) => sim.state.addGroup(name).name,
      seedMember: (group, person) => sim.state.addMember(group, person),
      membersInSim: (group) => sim.state.members(group).sort(),
      missingGroup: 'no-such-group',
      missingPrincipal: { id: 'f'.repeat(32), name: 'ghost' },
      lose: (kind) => sim.state.lostWrites.lose(kind),
      withBadCredentials: () => build({ ...settings, secretKey: new Secret('0'.repeat(32)) }),
      withoutWriteAccess: () => {
        // JCS has no read-only credential to hand out: the account refuses the writes instead.
        sim.state.deny('AssignUserToGroup');
        sim.state.deny('RemoveUserFromGroup');
        return build(settings);
      },
      service: (name) => sim.state.addUser({ name }).name,
      seedServiceMember: (group, service) => sim.state.addMember(group, service),
      seedKey: (service) => sim.state.addKey(service).access,
      keysInSim: (service) =>
        sim.state
          .keysOf(service)
          .map((k) => k.access)
          .sort(),
      enrolMfa: (person) => void sim.state.addMfaDevice(person, person),
      mfaInSim: (person) => sim.state.mfaDeviceOf(person) !== undefined,
      close: async () => {
        await closeAll();
        await sim.close();
      },
    };
  },
};

const cloudflare: Harness = {
  // A group's member list is read for isMember, and a DELETE's 404 is read back from the group alone.
  unknownPrincipalLooksAbsent: { isMember: true, removeMember: true },
  // A cf-ray id.
  requestId: /^[0-9a-f]{16}-SIM$/,
  start: async (): Promise<World> => {
    const sim = await startCloudflareSimulator();
    const { build, waits, logs, closeAll } = adapters();
    const people = new Map<string, string>();
    const tokens = new Map<string, string>();
    const settings = {
      ...common,
      type: 'cloudflare',
      id: 'cf-contract',
      accountId: sim.accountId,
      token: new Secret(sim.credentials.token),
      baseUrl: sim.url,
    } as const;
    return {
      provider: build(settings),
      server: sim.server,
      waits,
      logs,
      credentials: [sim.credentials.token, sim.credentials.readOnlyToken],
      person: (name) => {
        const member = sim.state.addMember(`${name}@example.com`);
        people.set(name, member.id);
        return member.email;
      },
      group: (name) => sim.state.addGroup(name).id,
      seedMember: (group, person) => void sim.state.addToGroup(group, lookup(people, person)),
      membersInSim: (group) => sim.state.groupMembers(group).sort(),
      missingGroup: 'f'.repeat(32),
      missingPrincipal: { id: 'a'.repeat(32), name: 'ghost@example.com' },
      lose: (kind) => sim.state.lostWrites.lose(kind),
      withBadCredentials: () => build({ ...settings, token: new Secret('x'.repeat(40)) }),
      withoutWriteAccess: () => build({ ...settings, token: new Secret(sim.credentials.readOnlyToken) }),
      service: (name) => {
        tokens.set(name, sim.state.addToken(name).id);
        return name;
      },
      // An account token is its own one key: rolling keeps its id.
      keysInSim: (service) => (sim.state.tokens.has(lookup(tokens, service)) ? [lookup(tokens, service)] : []),
      close: async () => {
        await closeAll();
        await sim.close();
      },
    };
  },
};

const scaleway: Harness = {
  // isMember reads the group's member ids; removing first asks whether the id is a user or an application.
  unknownPrincipalLooksAbsent: { isMember: true },
  requestId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  start: async (): Promise<World> => {
    const sim = await startScalewaySimulator();
    const { build, waits, logs, closeAll } = adapters();
    const people = new Map<string, string>();
    const apps = new Map<string, string>();
    const settings = (credentials: { accessKey: string; secretKey: string }) =>
      ({
        ...common,
        type: 'scaleway',
        id: 'scw-contract',
        organizationId: sim.organizationId,
        secretKey: new Secret(credentials.secretKey),
        accessKey: credentials.accessKey,
        baseUrl: sim.url,
      }) as const;
    const group = (id: string) => {
      const found = sim.state.group(id);
      if (!found) throw new Error(`no group ${id}`);
      return found;
    };
    return {
      provider: build(settings(sim.credentials)),
      server: sim.server,
      waits,
      logs,
      credentials: [sim.credentials.secretKey, sim.readOnlyCredentials.secretKey],
      person: (name) => {
        const user = sim.state.addUser({ email: `${name}@example.com` });
        people.set(name, user.id);
        return user.email;
      },
      group: (name) => sim.state.addGroup({ name }).id,
      seedMember: (id, person) => void group(id).userIds.push(lookup(people, person)),
      membersInSim: (id) => [...group(id).userIds, ...group(id).applicationIds].sort(),
      missingGroup: '00000000-0000-4000-8000-000000000000',
      missingPrincipal: { id: randomUUID(), name: 'ghost' },
      lose: (kind) => sim.state.lostWrites.lose(kind),
      withBadCredentials: () => build(settings({ accessKey: 'SCWAAAAAAAAAAAAAAAAA', secretKey: randomUUID() })),
      withoutWriteAccess: () => build(settings(sim.readOnlyCredentials)),
      service: (name) => {
        apps.set(name, sim.state.addApplication({ name }).id);
        return name;
      },
      seedServiceMember: (id, service) => void group(id).applicationIds.push(lookup(apps, service)),
      seedKey: (service) =>
        sim.state.addApiKey({ bearer: { kind: 'application', id: lookup(apps, service) } }).accessKey,
      keysInSim: (service) =>
        sim.state
          .keysOf(lookup(apps, service))
          .map((k) => k.accessKey)
          .sort(),
      enrolMfa: (person) => {
        const user = sim.state.user(lookup(people, person));
        if (user) user.mfa = true;
      },
      mfaInSim: (person) => sim.state.user(lookup(people, person))?.mfa === true,
      close: async () => {
        await closeAll();
        await sim.close();
      },
    };
  },
  // Scaleway's own answer to throttling names the wait in its body (reset_seconds), not in Retry-After.
  nativeThrottle: {
    name: 'a 429 without Retry-After, the wait in reset_seconds',
    fault: { type: 'status', status: 429 },
  },
};

const outscale: Harness = {
  // Membership is read from the user's groups (ListGroupsForUser), which never names the group asked about.
  unknownGroupLooksEmpty: { isMember: true },
  requestId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  start: async (): Promise<World> => {
    const sim = await startOutscaleSimulator();
    const { build, waits, logs, closeAll } = adapters();
    const settings = {
      ...common,
      type: 'outscale',
      id: 'osc-contract',
      region: sim.region,
      service: 'eim',
      accessKey: new Secret(sim.credentials.accessKeyId),
      secretKey: new Secret(sim.credentials.secretAccessKey),
      endpoint: sim.url,
    } as const;
    return {
      provider: build(settings),
      server: sim.server,
      waits,
      logs,
      credentials: [sim.credentials.secretAccessKey],
      // EIM users have no email: the identity rules name them (email-local-part or the map).
      person: (name) => sim.state.addUser(name).name,
      group: (name) => sim.state.addGroup(name).name,
      seedMember: (group, person) => sim.state.addMember(group, person),
      membersInSim: (group) => sim.state.membersOf(group).sort(),
      missingGroup: 'no-such-group',
      missingPrincipal: { id: 'AIDAGONE', name: 'gone' },
      lose: (kind) => sim.state.lostWrites.lose(kind),
      withBadCredentials: () =>
        build({ ...settings, secretKey: new Secret('not-the-secret-key-at-all-0000000000000') }),
      withoutWriteAccess: () => {
        sim.state.addUser('reader', { allow: ['ListUsers', 'ListGroups', 'GetGroup', 'ListGroupsForUser'] });
        const key = sim.state.createKey('reader');
        return build({ ...settings, accessKey: new Secret(key.id), secretKey: new Secret(key.secret) });
      },
      service: (name) => sim.state.addUser(name).name,
      seedServiceMember: (group, service) => sim.state.addMember(group, service),
      seedKey: (service) => sim.state.createKey(service).id,
      keysInSim: (service) =>
        sim.state
          .keysOf(service)
          .map((k) => k.id)
          .sort(),
      close: async () => {
        await closeAll();
        await sim.close();
      },
    };
  },
  // AWS-compatible throttling: a 400 whose code is Throttling (an injected 400 renders so).
  nativeThrottle: { name: 'a 400 Throttling, the AWS way', fault: { type: 'status', status: 400 } },
};

/** Every provider type the registry lists, with its harness; a type without one does not compile. */
export const HARNESSES: Record<(typeof PROVIDERS)[number]['type'], Harness> = { jcs, cloudflare, scaleway, outscale };
