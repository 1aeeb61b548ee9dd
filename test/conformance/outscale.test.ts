/**
 * The simulator and the adapter held against the official AWS SDK (`@aws-sdk/client-iam`), which Outscale
 * documents for EIM: the SDK's calls succeed on the simulator (so its SigV4 check and XML answers are what
 * an AWS-compatible client expects), and the adapter's request for the same operation is the SDK's request.
 * The SDK signs as service `iam`, so for the comparison the adapter is configured with `service: iam`
 * (its default, `eim`, is what Outscale's own tools use).
 */
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  GetGroupCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  NoSuchEntityException,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/domain/secret.ts';
import { createLogger } from '../../src/log.ts';
import { outscale } from '../../src/providers/outscale/index.ts';
import type { PrincipalRef } from '../../src/workflow/ports.ts';
import { startOutscaleSimulator, type OutscaleSimulator } from '../../src/simulators/outscale/index.ts';
import type { SimRequest } from '../../src/simulators/shared/sim-server.ts';

/** The adapter the descriptor builds, with every call it has. */
type Provider = ReturnType<typeof outscale.create>;

let sim: OutscaleSimulator;
let sdk: IAMClient;
let adapter: Provider;
let alice: PrincipalRef;

beforeEach(async () => {
  sim = await startOutscaleSimulator();
  sdk = new IAMClient({ region: sim.region, endpoint: sim.url, credentials: sim.credentials, maxAttempts: 1 });
  adapter = outscale.create(
    {
      type: 'outscale',
      id: 'osc-conformance',
      region: sim.region,
      service: 'iam',
      accessKey: new Secret(sim.credentials.accessKeyId),
      secretKey: new Secret(sim.credentials.secretAccessKey),
      endpoint: sim.url,
      timeoutMs: 2_000,
      maxAttempts: 1,
    },
    { log: createLogger({ level: 'silent' }), sleep: async () => {} },
  );
  const user = sim.state.addUser('alice');
  alice = { id: user.id, name: user.name };
  sim.state.addGroup('devs');
});

afterEach(async () => {
  sdk.destroy();
  await adapter.close();
  await sim.close();
});

/** The last request the simulator received for `action`. */
function lastRequest(action: string): SimRequest {
  const request = sim.server.requests.filter((r) => new URLSearchParams(r.body).get('Action') === action).at(-1);
  if (!request) throw new Error(`no ${action} request recorded`);
  return request;
}

/** What must be equal between the SDK's request and the adapter's. */
function shape(request: SimRequest) {
  const credential = /^(\S+) Credential=[^/]+\/(\d{8}\/[^/]+\/[^/]+\/aws4_request),/.exec(
    String(request.headers.authorization),
  );
  return {
    method: request.method,
    path: request.path,
    contentType: request.headers['content-type'],
    params: [...new URLSearchParams(request.body)].sort(([a], [b]) => a.localeCompare(b)),
    scheme: credential?.[1],
    scope: credential?.[2],
  };
}

describe('the AWS SDK for IAM against the Outscale simulator', () => {
  it('AddUserToGroup and RemoveUserFromGroup succeed', async () => {
    const added = await sdk.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
    expect(added.$metadata).toMatchObject({ httpStatusCode: 200, requestId: expect.any(String) });
    expect(sim.state.membersOf('devs')).toEqual(['alice']);

    await sdk.send(new RemoveUserFromGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
    expect(sim.state.membersOf('devs')).toEqual([]);
  });

  it('ListGroups succeeds whole; MaxItems, which its reference does not list, is refused', async () => {
    sim.state.addGroup('ops');
    sim.state.addGroup('sre');
    const all = await sdk.send(new ListGroupsCommand({}));
    expect(all.Groups?.map((g) => g.GroupName)).toEqual(['devs', 'ops', 'sre']);
    expect(all.IsTruncated).toBeUndefined();
    expect(all.Groups?.[0]?.CreateDate).toBeInstanceOf(Date);

    const paged = await sdk.send(new ListGroupsCommand({ MaxItems: 2 })).catch((e: unknown) => e);
    expect(paged).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
  });

  it('ListAccessKeys pages with MaxItems and Marker, as its reference documents', async () => {
    sim.state.createKey('alice');
    sim.state.createKey('alice');
    const first = await sdk.send(new ListAccessKeysCommand({ UserName: 'alice', MaxItems: 1 }));
    expect(first.IsTruncated).toBe(true);
    const second = await sdk.send(new ListAccessKeysCommand({ UserName: 'alice', MaxItems: 1, Marker: first.Marker }));
    expect(
      [...(first.AccessKeyMetadata ?? []), ...(second.AccessKeyMetadata ?? [])].map((k) => k.AccessKeyId).sort(),
    ).toEqual(
      sim.state
        .keysOf('alice')
        .map((k) => k.id)
        .sort(),
    );
    expect(second.IsTruncated).toBe(false);
  });

  it('CreateAccessKey succeeds and returns the secret the simulator holds', async () => {
    const { AccessKey } = await sdk.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    const [stored] = sim.state.keysOf('alice');
    expect(AccessKey).toMatchObject({
      UserName: 'alice',
      AccessKeyId: stored?.id,
      Status: 'Active',
      SecretAccessKey: stored?.secret,
    });
  });

  it('reads the simulator’s ErrorResponse as the modelled error', async () => {
    const error = await sdk
      .send(new AddUserToGroupCommand({ GroupName: 'nope', UserName: 'alice' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect(error).toMatchObject({
      message: 'The group with name nope cannot be found.',
      $metadata: { httpStatusCode: 404, requestId: expect.any(String) },
    });
  });
});

describe('the adapter sends what the AWS SDK sends', () => {
  it('AddUserToGroup', async () => {
    await sdk.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
    const fromSdk = shape(lastRequest('AddUserToGroup'));
    await adapter.addMember('devs', alice);
    expect(shape(lastRequest('AddUserToGroup'))).toEqual(fromSdk);
    expect(fromSdk.scheme).toBe('AWS4-HMAC-SHA256');
    expect(fromSdk.scope).toMatch(/^\d{8}\/eu-west-2\/iam\/aws4_request$/);
  });

  it('RemoveUserFromGroup', async () => {
    sim.state.addMember('devs', 'alice');
    await sdk.send(new RemoveUserFromGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
    const fromSdk = shape(lastRequest('RemoveUserFromGroup'));
    sim.state.addMember('devs', 'alice');
    await adapter.removeMember('devs', alice);
    expect(shape(lastRequest('RemoveUserFromGroup'))).toEqual(fromSdk);
  });

  it('ListGroups, ListUsers, GetGroup and ListGroupsForUser: no paging parameters', async () => {
    sim.state.addMember('devs', 'alice');
    const sends: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      ['ListGroups', () => sdk.send(new ListGroupsCommand({})), () => adapter.listGroups()],
      ['ListUsers', () => sdk.send(new ListUsersCommand({})), () => adapter.probe()],
      ['GetGroup', () => sdk.send(new GetGroupCommand({ GroupName: 'devs' })), () => adapter.listMembers('devs')],
      [
        'ListGroupsForUser',
        () => sdk.send(new ListGroupsForUserCommand({ UserName: 'alice' })),
        () => adapter.isMember('devs', alice),
      ],
    ];
    for (const [action, bySdk, byAdapter] of sends) {
      await bySdk();
      const fromSdk = shape(lastRequest(action));
      await byAdapter();
      expect(shape(lastRequest(action))).toEqual(fromSdk);
      expect(fromSdk.params.map(([key]) => key)).not.toContain('MaxItems');
    }
  });

  it('ListAccessKeys (the adapter asks for pages of 100, as documented)', async () => {
    await sdk.send(new ListAccessKeysCommand({ UserName: 'alice', MaxItems: 100 }));
    const fromSdk = shape(lastRequest('ListAccessKeys'));
    await adapter.listKeys(alice);
    expect(shape(lastRequest('ListAccessKeys'))).toEqual(fromSdk);
  });

  it('CreateAccessKey', async () => {
    await sdk.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    const fromSdk = shape(lastRequest('CreateAccessKey'));
    await adapter.createKey(alice);
    expect(shape(lastRequest('CreateAccessKey'))).toEqual(fromSdk);
  });
});
