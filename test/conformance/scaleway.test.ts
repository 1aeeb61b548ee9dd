/**
 * Conformance with the official Scaleway SDK (@scaleway/sdk-iam 1.6.0 on @scaleway/sdk-client 1.3.3):
 * the SDK works against the simulator, and for the same operation the adapter sends what the SDK
 * sends — method, path, query, JSON body and authentication — as recorded by the simulator.
 */
import { createClient, Errors } from '@scaleway/sdk-client';
import { Iamv1alpha1 } from '@scaleway/sdk-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrincipalRef } from '../../src/workflow/ports.ts';
import type { SimRequest } from '../../src/simulators/shared/sim-server.ts';
import type { ScalewayCredentials } from '../../src/simulators/scaleway/index.ts';
import { startRig, type Rig } from '../providers/scaleway/support.ts';

let rig: Rig;
let sdk: Iamv1alpha1.API;

/** The official SDK on the simulator, with the given API key. */
function sdkWith(credentials: ScalewayCredentials): Iamv1alpha1.API {
  const client = createClient({ ...credentials, apiURL: rig.sim.url, defaultOrganizationId: rig.sim.organizationId });
  return new Iamv1alpha1.API(client);
}

beforeEach(async () => {
  rig = await startRig();
  sdk = sdkWith(rig.sim.credentials);
});
afterEach(async () => {
  await rig.close();
});

/**
 * What must match on the wire. Query parameters compare as a sorted list (order carries no meaning);
 * bodies compare as parsed JSON, which drops the SDK's `undefined` fields exactly as its
 * JSON.stringify does. Content types compare as media types: the JS SDK adds `; charset=utf-8`, the
 * adapter sends plain `application/json` as the Go SDK does in the recorded traffic — both are JSON in
 * UTF-8. Other headers (User-Agent, Accept) are the SDK's own business.
 */
function wire(request: SimRequest | undefined) {
  if (!request) throw new Error('request not recorded');
  return {
    method: request.method,
    path: request.path,
    query: [...request.query.entries()].sort(([a], [b]) => a.localeCompare(b)),
    body: request.body === '' ? undefined : (JSON.parse(request.body) as unknown),
    mediaType: request.body === '' ? undefined : String(request.headers['content-type']).split(';')[0],
    authToken: request.headers['x-auth-token'],
    otherAuth: [request.headers.authorization, request.headers['x-session-token']],
  };
}

/** The requests `action` makes, recorded by the simulator. */
async function recorded(action: () => Promise<unknown>): Promise<SimRequest[]> {
  const before = rig.sim.server.requests.length;
  await action();
  return rig.sim.server.requests.slice(before);
}

async function userAndGroup(): Promise<{ user: PrincipalRef; groupId: string }> {
  const seeded = rig.sim.state.addUser({ email: 'nina@example.com' });
  const group = rig.sim.state.addGroup({ name: 'admins' });
  return { user: await rig.provider.resolvePrincipal(seeded.email), groupId: group.id };
}

describe('Scaleway conformance with the official SDK', () => {
  it('addGroupMember: the SDK succeeds, and the adapter sends the same request', async () => {
    const { user, groupId } = await userAndGroup();

    const [ours] = await recorded(() => rig.provider.addMember(groupId, user));
    rig.sim.state.group(groupId)?.userIds.splice(0);
    let group: Iamv1alpha1.Group | undefined;
    const [theirs] = await recorded(async () => {
      group = await sdk.addGroupMember({ groupId, userId: user.id });
    });

    expect(group?.userIds).toEqual([user.id]);
    expect(wire(ours)).toEqual(wire(theirs));
    expect(wire(ours)).toMatchObject({
      method: 'POST',
      body: { user_id: user.id },
      mediaType: 'application/json',
      authToken: rig.sim.credentials.secretKey,
    });
  });

  it('removeGroupMember: the SDK succeeds, and the adapter sends the same request', async () => {
    const { user, groupId } = await userAndGroup();
    rig.sim.state.group(groupId)?.userIds.push(user.id);

    const [ours] = await recorded(() => rig.provider.removeMember(groupId, user));
    rig.sim.state.group(groupId)?.userIds.push(user.id);
    let group: Iamv1alpha1.Group | undefined;
    const [theirs] = await recorded(async () => {
      group = await sdk.removeGroupMember({ groupId, userId: user.id });
    });

    expect(group?.userIds).toEqual([]);
    expect(wire(ours)).toEqual(wire(theirs));
  });

  it('listGroups: the SDK pages through the simulator, and the adapter asks for the same page', async () => {
    for (let i = 0; i < 130; i++) rig.sim.state.addGroup({ name: `g${i}` });

    // The SDK's own pagination (driven by total_count) over the simulator's default page size.
    expect(await sdk.listGroups().all()).toHaveLength(130);

    const ours = await recorded(() => rig.provider.listGroups());
    // The adapter names the page and asks for 100 per page; the SDK sends either only when told to,
    // so it is told to here. With that, the first page requests are identical.
    const [theirs] = await recorded(() => sdk.listGroups({ page: 1, pageSize: 100 }));
    expect(ours).toHaveLength(2);
    expect(wire(ours[0])).toEqual(wire(theirs));
    expect(wire(ours[1]).query).toEqual(wire(theirs).query.map(([k, v]) => [k, k === 'page' ? '2' : v]));
  });

  it('createAPIKey: the SDK gets the secret once, and the adapter sends the same request', async () => {
    const app = rig.sim.state.addApplication({ name: 'ci' });
    const ci = await rig.provider.resolvePrincipal('ci', 'service');

    const [ours] = (await recorded(() => rig.provider.createKey(ci))).filter((r) => r.method === 'POST');
    // The adapter's description carries a fresh marker (for lost-answer clean-up): give the SDK the same.
    const description = (JSON.parse(ours?.body ?? '{}') as { description: string }).description;
    let key: Iamv1alpha1.APIKey | undefined;
    const [theirs] = await recorded(async () => {
      key = await sdk.createAPIKey({ applicationId: app.id, description });
    });

    expect(key?.secretKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(key?.applicationId).toBe(app.id);
    expect(wire(ours)).toEqual(wire(theirs));
    expect(wire(ours)).toMatchObject({
      method: 'POST',
      path: '/iam/v1alpha1/api-keys',
      body: { application_id: app.id, description },
    });
  });
});

describe('Scaleway error bodies as the official SDK types them', () => {
  /** What a call fails with; the test fails if it succeeds. */
  async function refusal(call: () => Promise<unknown>): Promise<unknown> {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    return error;
  }

  it('types every refusal the simulator can answer as its own error class, not the generic ScalewayError', async () => {
    const { user, groupId } = await userAndGroup();
    await sdk.addGroupMember({ groupId, userId: user.id });
    const readOnly = sdkWith(rig.sim.readOnlyCredentials);
    const stranger = sdkWith({ accessKey: 'SCWXXXXXXXXXXXXXXXXX', secretKey: crypto.randomUUID() });

    const cases: [string, () => Promise<unknown>, new (...args: never[]) => Error][] = [
      ['not_found', () => sdk.getUser({ userId: crypto.randomUUID() }), Errors.ResourceNotFoundError],
      ['already_exists', () => sdk.addGroupMember({ groupId, userId: user.id }), Errors.AlreadyExistsError],
      ['invalid_arguments', () => sdk.listUsers({ pageSize: 101 }), Errors.InvalidArgumentsError],
      [
        'permissions_denied',
        () => readOnly.addGroupMember({ groupId, userId: user.id }),
        Errors.PermissionsDeniedError,
      ],
      ['denied_authentication', () => stranger.listGroups(), Errors.DeniedAuthenticationError],
      [
        'transient_state',
        () => {
          rig.sim.forceTransientState();
          return sdk.removeGroupMember({ groupId, userId: user.id });
        },
        Errors.TransientStateError,
      ],
      [
        'too_many_requests',
        () => {
          rig.sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 2 });
          return sdk.listGroups();
        },
        Errors.TooManyRequestsError,
      ],
    ];
    for (const [type, call, typed] of cases) {
      const error = await refusal(call);
      expect({ type, typed: error instanceof typed }).toEqual({ type, typed: true });
    }
  });

  it('types the API key quota refusal as QuotasExceededError', async () => {
    await rig.close();
    rig = await startRig({ simulator: { apiKeyQuota: 2 } });
    sdk = sdkWith(rig.sim.credentials);
    const app = rig.sim.state.addApplication({ name: 'ci' });
    const error = await refusal(() => sdk.createAPIKey({ applicationId: app.id, description: 'one too many' }));
    expect(error).toBeInstanceOf(Errors.QuotasExceededError);
    expect(error).toMatchObject({ list: [{ resource: 'api_keys', quota: 2, current: 2 }] });
  });
});
