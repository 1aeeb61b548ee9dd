/**
 * The adapter against canned answers in the shapes EIM may use: its docs render answers as flat JSON,
 * AWS renders the same as wrapped JSON, and XML may carry namespace prefixes or a single `<member>`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/domain/secret.ts';
import { createLogger } from '../../../src/log.ts';
import { outscale } from '../../../src/providers/outscale/index.ts';
import { SimServer, json, type SimResponse } from '../../../src/simulators/shared/sim-server.ts';
import { failure } from './support.ts';

/** The adapter the descriptor builds, with every call it has. */
type Provider = ReturnType<typeof outscale.create>;

const ACCESS_KEY = 'AKCANNED000000000001';
const SECRET_KEY = 'canned-secret-key-0000000000000000000000';

let server: SimServer;
let provider: Provider;

afterEach(async () => {
  await provider.close();
  await server.close();
});

/** A server answering each action with a canned response. */
async function answering(answers: Record<string, SimResponse>): Promise<void> {
  server = await SimServer.start(
    (request) => answers[new URLSearchParams(request.body).get('Action') ?? ''] ?? json(500, {}),
    {
      faultResponse: (status) => json(status, {}),
    },
  );
  provider = outscale.create(
    {
      type: 'outscale',
      id: 'osc-canned',
      region: 'eu-west-2',
      service: 'eim',
      accessKey: new Secret(ACCESS_KEY),
      secretKey: new Secret(SECRET_KEY),
      endpoint: server.url,
      timeoutMs: 1_000,
      maxAttempts: 1,
    },
    { log: createLogger({ level: 'silent' }), sleep: async () => {} },
  );
}

const xml = (status: number, body: string): SimResponse => ({ status, headers: { 'content-type': 'text/xml' }, body });

describe('Outscale answers', () => {
  it('reads a list with a single <member> as a list of one', async () => {
    await answering({
      ListGroups: xml(
        200,
        `<ListGroupsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListGroupsResult><IsTruncated>false</IsTruncated>
         <Groups><member><GroupName>devs</GroupName><GroupId>AGPA1</GroupId></member></Groups></ListGroupsResult>
         <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></ListGroupsResponse>`,
      ),
    });
    expect(await provider.listGroups()).toEqual([{ id: 'devs', name: 'devs' }]);
  });

  it('reads an empty list element and namespace-prefixed XML', async () => {
    await answering({
      ListGroups: xml(
        200,
        `<?xml version="1.0"?><iam:ListGroupsResponse xmlns:iam="https://iam.amazonaws.com/doc/2010-05-08/"><iam:ListGroupsResult>
         <iam:Groups/><iam:IsTruncated>false</iam:IsTruncated></iam:ListGroupsResult></iam:ListGroupsResponse>`,
      ),
    });
    expect(await provider.listGroups()).toEqual([]);
  });

  it('accepts the flat JSON the EIM docs show', async () => {
    await answering({
      CreateAccessKey: json(200, {
        AccessKey: {
          AccessKeyId: 'AKNEW',
          SecretAccessKey: 'new-secret',
          Status: 'Active',
          UserName: 'ci',
          CreateDate: '2024-05-01T10:00:00Z',
        },
        ResponseMetadata: { RequestId: 'r-json' },
      }),
      ListAccessKeys: json(200, {
        AccessKeyMetadata: [],
        IsTruncated: false,
        ResponseMetadata: { RequestId: 'r-list' },
      }),
    });
    const created = await provider.createKey({ id: 'AIDA1', name: 'ci' });
    expect(created).toMatchObject({
      key: { id: 'AKNEW', status: 'active', createdAt: '2024-05-01T10:00:00Z' },
      providerRequestId: 'r-json',
    });
    expect(created.secret.reveal()).toBe('new-secret');
  });

  it('accepts AWS’s wrapped JSON rendering, errors included', async () => {
    await answering({
      ListUsers: json(200, {
        ListUsersResponse: {
          ListUsersResult: { Users: [{ UserName: 'bob', UserId: 'AIDABOB' }], IsTruncated: false },
          ResponseMetadata: { RequestId: 'r-2' },
        },
      }),
      AddUserToGroup: json(404, {
        Error: { Code: 'NoSuchEntity', Message: 'The group with name x cannot be found.' },
        RequestId: 'r-3',
      }),
    });
    expect(await provider.resolvePrincipal('bob')).toEqual({ id: 'AIDABOB', name: 'bob' });
    expect(await failure(provider.addMember('x', { id: 'AIDABOB', name: 'bob' }))).toMatchObject({
      kind: 'not_found',
      providerRequestId: 'r-3',
    });
  });

  it('treats EntityAlreadyExists on AddUserToGroup as already a member', async () => {
    await answering({
      AddUserToGroup: xml(
        409,
        `<ErrorResponse><Error><Type>Sender</Type><Code>EntityAlreadyExists</Code><Message>already in group</Message></Error><RequestId>r-4</RequestId></ErrorResponse>`,
      ),
    });
    await expect(provider.addMember('devs', { id: 'AIDA1', name: 'alice' })).resolves.toEqual({
      providerRequestId: 'r-4',
    });
  });

  it('fails as unavailable, without quoting the body, when an answer cannot be read', async () => {
    await answering({
      CreateAccessKey: json(200, { AccessKey: { AccessKeyId: 'AKNEW', SecretAccessKey: 'half-a-secret' } }),
      ListAccessKeys: json(200, { AccessKeyMetadata: [] }),
    });
    const error = await failure(provider.createKey({ id: 'AIDA1', name: 'ci' }));
    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('AccessKey.Status');
    expect(error.message).not.toContain('half-a-secret');
  });

  it('stops instead of looping when a truncated list gives no marker', async () => {
    await answering({ ListGroups: json(200, { Groups: [], IsTruncated: true }) });
    expect(await failure(provider.listGroups())).toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('no new Marker'),
    });
  });

  it('maps an unreadable error body by its HTTP status, taking the request id from the header', async () => {
    await answering({
      ListUsers: {
        status: 403,
        headers: { 'content-type': 'text/html', 'x-amzn-requestid': 'r-hdr' },
        body: '<html>denied</html>',
      },
    });
    expect(await failure(provider.probe())).toMatchObject({ kind: 'forbidden', providerRequestId: 'r-hdr' });
  });

  it('removes our own credentials from a provider message it passes on', async () => {
    await answering({
      ListUsers: xml(
        403,
        `<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>Key ${ACCESS_KEY} (secret ${SECRET_KEY}) is not valid</Message></Error></ErrorResponse>`,
      ),
    });
    const error = await failure(provider.probe());
    expect(error.kind).toBe('unauthorized');
    expect(error.message).not.toContain(ACCESS_KEY);
    expect(error.message).not.toContain(SECRET_KEY);
    expect(error.message).toContain('[credential]');
  });
});
