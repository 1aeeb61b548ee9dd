/** The Outscale simulator on the raw wire: what its SigV4 check accepts and refuses, and its answers. */
import aws4 from 'aws4';
import { XMLParser } from 'fast-xml-parser';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startOutscaleSimulator,
  type Credentials,
  type OutscaleSimulator,
} from '../../../src/simulators/outscale/index.ts';

let sim: OutscaleSimulator;
beforeEach(async () => {
  sim = await startOutscaleSimulator();
});
afterEach(async () => {
  await sim.close();
});

interface Call {
  params?: Record<string, string>;
  credentials?: Credentials;
  /** The Host the signature covers, when it must differ from the one sent. */
  signedHost?: string;
  /** Changes the body after signing. */
  tamper?: (body: string) => string;
  signed?: boolean;
  /** Sign with the HTTP Date header instead of X-Amz-Date. */
  dateHeader?: boolean;
  method?: 'GET' | 'POST';
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  doc: Record<string, unknown>;
}

const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'member' });

async function call(action: string, options: Call = {}): Promise<Answer> {
  const host = new URL(sim.url).host;
  const form = new URLSearchParams({ Action: action, Version: '2010-05-08', ...options.params }).toString();
  const get = options.method === 'GET';
  const path = get ? `/?${form}` : '/';
  const body = get ? '' : form;
  let headers: Record<string, string> = get
    ? { Host: host }
    : { Host: host, 'Content-Type': 'application/x-www-form-urlencoded' };
  if (options.signed !== false) {
    const credentials = options.credentials ?? sim.credentials;
    const toSign = {
      ...headers,
      Host: options.signedHost ?? host,
      ...(options.dateHeader ? { Date: new Date().toUTCString() } : {}),
    };
    const signed = aws4.sign(
      {
        method: get ? 'GET' : 'POST',
        host,
        path,
        body,
        service: 'eim',
        region: sim.region,
        headers: toSign,
        doNotModifyHeaders: options.dateHeader ?? false,
      },
      credentials,
    );
    headers = { ...(signed.headers as Record<string, string>), Host: host };
  }
  const sent = options.tamper ? options.tamper(body) : body;
  const response = await request(`${sim.url}${path}`, {
    method: get ? 'GET' : 'POST',
    headers,
    body: get ? null : sent,
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    body: text,
    doc: parser.parse(text) as Record<string, unknown>,
  };
}

function errorOf(answer: Answer): { Code?: string; Message?: string; Type?: string } {
  return ((answer.doc.ErrorResponse as Record<string, unknown> | undefined)?.Error ?? {}) as { Code?: string };
}

describe('Outscale simulator authentication', () => {
  it('answers an unsigned request with MissingAuthenticationToken', async () => {
    const answer = await call('ListUsers', { signed: false });
    expect(answer.status).toBe(403);
    expect(errorOf(answer).Code).toBe('MissingAuthenticationToken');
  });

  it('refuses a signature over a Host without the port the request was sent with', async () => {
    const answer = await call('ListUsers', { signedHost: '127.0.0.1' });
    expect(answer.status).toBe(403);
    expect(errorOf(answer).Code).toBe('SignatureDoesNotMatch');
  });

  it('refuses a body changed after signing', async () => {
    const answer = await call('ListUsers', {
      params: { PathPrefix: '/a/' },
      tamper: (body) => body.replace('%2Fa%2F', '%2Fb%2F'),
    });
    expect(errorOf(answer).Code).toBe('SignatureDoesNotMatch');
  });

  it('accepts a signature dated by the HTTP Date header', async () => {
    const answer = await call('ListUsers', { dateHeader: true });
    expect(answer.status).toBe(200);
  });

  it('accepts parameters in a signed query string', async () => {
    sim.state.addUser('alice');
    const answer = await call('ListUsers', { method: 'GET' });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<UserName>alice</UserName>');
  });

  it('answers an unknown access key with InvalidClientTokenId', async () => {
    const answer = await call('ListUsers', { credentials: { accessKeyId: 'AKUNKNOWN', secretAccessKey: 'x' } });
    expect(answer.status).toBe(403);
    expect(errorOf(answer)).toMatchObject({ Code: 'InvalidClientTokenId', Type: 'Sender' });
  });

  it('lets a user’s key call only what the user may, and defaults UserName to that user', async () => {
    sim.state.addUser('ci', { allow: ['ListAccessKeys'] });
    const key = sim.state.createKey('ci');
    const credentials = { accessKeyId: key.id, secretAccessKey: key.secret };
    const own = await call('ListAccessKeys', { credentials });
    expect(own.body).toContain(`<AccessKeyId>${key.id}</AccessKeyId>`);
    expect(errorOf(await call('ListUsers', { credentials })).Code).toBe('AccessDenied');
  });
});

describe('Outscale simulator answers', () => {
  it('answers in the IAM XML namespace, with the request id in the body and the header', async () => {
    const answer = await call('ListUsers');
    expect(answer.headers['content-type']).toBe('text/xml');
    expect(answer.body).toContain(
      '<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult>',
    );
    const requestId = ((answer.doc.ListUsersResponse as Record<string, Record<string, string>>).ResponseMetadata ?? {})
      .RequestId;
    expect(requestId).toBe(answer.headers['x-amzn-requestid']);
  });

  it('answers the lists whose reference documents no paging whole, and refuses paging parameters on them', async () => {
    sim.state.addGroup('devs');
    for (let i = 0; i < 150; i++) {
      const name = `user-${String(i).padStart(3, '0')}`;
      sim.state.addUser(name);
      sim.state.addMember('devs', name);
    }
    const whole = await call('GetGroup', { params: { GroupName: 'devs' } });
    const result = (whole.doc.GetGroupResponse as Record<string, Record<string, unknown>>).GetGroupResult ?? {};
    expect((result.Users as { member: unknown[] }).member).toHaveLength(150);
    expect(result).not.toHaveProperty('IsTruncated');
    expect(result).not.toHaveProperty('Marker');
    // provider-docs/outscale-eim.txt: ListUsers takes PathPrefix, ListGroups PathPrefix, GetGroup GroupName,
    // ListGroupsForUser UserName; nothing else.
    const refused = [
      await call('ListUsers', { params: { MaxItems: '10' } }),
      await call('ListGroups', { params: { MaxItems: '10' } }),
      await call('GetGroup', { params: { GroupName: 'devs', MaxItems: '1' } }),
      await call('ListGroupsForUser', { params: { UserName: 'user-000', Marker: 'x' } }),
      await call('AddUserToGroup', { params: { GroupName: 'devs', UserName: 'user-000', Path: '/' } }),
    ];
    expect(refused.map((answer) => [answer.status, errorOf(answer).Code])).toEqual(
      Array(5).fill([400, 'ValidationError']),
    );
    expect(errorOf(refused[0] as Answer).Message).toBe('The parameter MaxItems is not recognized for ListUsers.');
  });

  it('can play a lenient EIM that ignores undocumented parameters', async () => {
    await sim.close();
    sim = await startOutscaleSimulator({ lists: { undocumentedParameters: 'ignore' } });
    sim.state.addUser('alice');
    const answer = await call('ListUsers', { params: { MaxItems: '1', Whatever: 'x' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<UserName>alice</UserName>');
  });

  it('can play a server that pages those lists anyway, with MaxItems and Marker', async () => {
    await sim.close();
    sim = await startOutscaleSimulator({ lists: { pageUndocumentedLists: true } });
    sim.state.addGroup('devs');
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      sim.state.addUser(name);
      sim.state.addMember('devs', name);
    }
    const seen: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 5; page++) {
      const answer = await call('GetGroup', {
        params: { GroupName: 'devs', MaxItems: '2', ...(marker ? { Marker: marker } : {}) },
      });
      const result = (answer.doc.GetGroupResponse as Record<string, Record<string, unknown>>).GetGroupResult ?? {};
      seen.push(...((result.Users as { member: { UserName: string }[] }).member ?? []).map((u) => u.UserName));
      if (result.IsTruncated !== 'true') break;
      marker = result.Marker as string;
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('pages ListAccessKeys, whose reference documents MaxItems (1..1000) and Marker', async () => {
    sim.state.addUser('ci');
    sim.state.createKey('ci');
    sim.state.createKey('ci');
    const first = await call('ListAccessKeys', { params: { UserName: 'ci', MaxItems: '1' } });
    expect(first.body).toContain('<IsTruncated>true</IsTruncated>');
    for (const MaxItems of ['0', '1001', 'ten'])
      expect(errorOf(await call('ListAccessKeys', { params: { UserName: 'ci', MaxItems } })).Code).toBe(
        'ValidationError',
      );
    expect(errorOf(await call('ListAccessKeys', { params: { UserName: 'ci', Marker: 'not-a-marker' } })).Code).toBe(
      'ValidationError',
    );
  });

  it('enforces two access keys per user with LimitExceeded', async () => {
    sim.state.addUser('ci');
    await call('CreateAccessKey', { params: { UserName: 'ci' } });
    await call('CreateAccessKey', { params: { UserName: 'ci' } });
    const third = await call('CreateAccessKey', { params: { UserName: 'ci' } });
    expect(third.status).toBe(409);
    expect(errorOf(third)).toMatchObject({
      Code: 'LimitExceeded',
      Message: 'Cannot exceed quota for AccessKeysPerUser: 2',
    });
    expect(sim.state.keysOf('ci')).toHaveLength(2);
  });

  it('requires UserName on key calls made with the root credentials', async () => {
    expect(errorOf(await call('ListAccessKeys')).Code).toBe('ValidationError');
  });

  it('answers unknown actions and versions with InvalidAction', async () => {
    for (const action of ['DescribeEverything', 'constructor', 'toString'])
      expect(errorOf(await call(action)).Code).toBe('InvalidAction');
    const wrongVersion = await call('ListUsers', { params: { Version: '2009-01-01' } });
    expect(wrongVersion.status).toBe(400);
    expect(errorOf(wrongVersion).Code).toBe('InvalidAction');
  });

  it('renders injected faults as EIM errors: 429 as Throttling with Retry-After, 503 as ServiceUnavailable', async () => {
    sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 4 });
    const throttled = await call('ListUsers');
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('4');
    expect(errorOf(throttled).Code).toBe('Throttling');

    sim.server.inject({ type: 'status', status: 503 });
    const unavailable = await call('ListUsers');
    expect(errorOf(unavailable)).toMatchObject({ Code: 'ServiceUnavailable', Type: 'Receiver' });
  });
});
