/**
 * No official JCS SDK exists for Node, so conformance is checked against the wire facts of docs/providers/jcs.md:
 * the signature vectors, reproduced both by the adapter's signing and by the simulator's own (written
 * apart, so one cannot hide the other's mistake); a simulator that verifies signatures the way the
 * server does (host with and without its port, tampered queries refused, the Timestamp checked first);
 * and the simulator's answers in the exact shapes of the server source.
 */
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  encodeRfc3986,
  jcsTimestamp,
  signature,
  signedQuery,
} from '../../src/providers/jcs/signing.ts';
import { expectedSignature } from '../../src/simulators/jcs/auth.ts';
import { startJcsSimulator, type JcsSimulator, type JcsSimulatorOptions } from '../../src/simulators/jcs/index.ts';
import { VECTOR } from '../providers/jcs/vector.ts';

/** The simulator the current test talks to; every one started is closed after the test. */
let sim: JcsSimulator;
const started: JcsSimulator[] = [];
afterEach(async () => {
  for (const running of started.splice(0)) await running.close();
});

async function start(options: JcsSimulatorOptions = {}): Promise<JcsSimulator> {
  sim = await startJcsSimulator(options);
  started.push(sim);
  return sim;
}

async function vectorSimulator(now = VECTOR.at): Promise<JcsSimulator> {
  await start({ accessKey: VECTOR.accessKey, secretKey: VECTOR.secretKey, now: () => now });
  sim.state.addUser({ name: 'alice' });
  sim.state.addUser({ name: 'mallory' });
  sim.state.addGroup('devs');
  return sim;
}

async function get(
  query: string,
  headers: Record<string, string> = {},
  method: 'GET' | 'POST' = 'GET',
): Promise<{ status: number; body: string }> {
  const response = await request(`${sim.url}/?${query}`, { headers, method });
  return { status: response.statusCode, body: await response.body.text() };
}

/** A signed call with the root credential; the body parsed when there is one. */
async function call(
  action: string,
  params: Record<string, string> = {},
  method: 'GET' | 'POST' = 'GET',
): Promise<{ status: number; body: unknown }> {
  const answer = await get(signedQuery(action, params, sim.credentials, new URL(sim.url).host, new Date()), {}, method);
  return { status: answer.status, body: answer.body === '' ? undefined : JSON.parse(answer.body) };
}

const GENERIC_401 = {
  error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
};
const GENERIC_403 = {
  error: { code: 403, title: 'Forbidden', message: 'You are not authorized to perform the requested action.' },
};

const vectorQuery = (sig: string) => `${canonicalQuery(VECTOR.params)}&Signature=${encodeRfc3986(sig)}`;

describe('JCS conformance', () => {
  it('the signing module reproduces both docs/providers/jcs.md vectors', () => {
    expect(signature(VECTOR.secretKey, VECTOR.hostWithPort, VECTOR.params)).toBe(VECTOR.signatureWithPort);
    expect(signature(VECTOR.secretKey, VECTOR.host, VECTOR.params)).toBe(VECTOR.signatureWithoutPort);
  });

  it('the simulator’s own signature code reproduces both docs/providers/jcs.md vectors, and encodes as RFC 3986 says', () => {
    expect(expectedSignature(VECTOR.secretKey, VECTOR.hostWithPort, VECTOR.params)).toBe(VECTOR.signatureWithPort);
    expect(expectedSignature(VECTOR.secretKey, VECTOR.host, VECTOR.params)).toBe(VECTOR.signatureWithoutPort);
    // Reserved characters, spaces and non-ASCII: the two implementations must agree byte for byte.
    const awkward = {
      ...VECTOR.params,
      UserName: "a b+c/d=e!'()*~ é✓",
      Zed: '',
      a: 'lower-case key sorts after upper-case ones',
    };
    expect(expectedSignature(VECTOR.secretKey, VECTOR.host, awkward)).toBe(
      signature(VECTOR.secretKey, VECTOR.host, awkward),
    );
  });

  it('the simulator accepts the vector request as sent to the host with its port (X-Forwarded-Host)', async () => {
    await vectorSimulator();
    const answer = await get(vectorQuery(VECTOR.signatureWithPort), { 'x-forwarded-host': VECTOR.hostWithPort });
    expect(answer).toEqual({ status: 204, body: '' });
    expect(sim.state.members('devs')).toEqual(['alice']);
  });

  it('the simulator accepts the vector signed for the host without the port: it retries without the port', async () => {
    await vectorSimulator();
    const answer = await get(vectorQuery(VECTOR.signatureWithoutPort), { 'x-forwarded-host': VECTOR.hostWithPort });
    expect(answer.status).toBe(204);
    expect(sim.state.members('devs')).toEqual(['alice']);
  });

  it('reads the Host header when there is no X-Forwarded-Host, with or without the port in the signature', async () => {
    await start();
    sim.state.addGroup('devs');
    const host = new URL(sim.url).host;
    for (const signedHost of [host, host.replace(/:\d+$/, '')]) {
      const query = signedQuery('ListGroups', {}, sim.credentials, signedHost, new Date());
      expect((await get(query)).status).toBe(200);
    }
  });

  it('refuses a signature made for another port', async () => {
    await vectorSimulator();
    const query = vectorQuery(signature(VECTOR.secretKey, `${VECTOR.host}:9999`, VECTOR.params));
    expect((await get(query, { 'x-forwarded-host': VECTOR.hostWithPort })).status).toBe(401);
  });

  it('refuses a tampered query with 401 and does not act on it', async () => {
    await vectorSimulator();
    const tampered = vectorQuery(VECTOR.signatureWithPort).replace('UserName=alice', 'UserName=mallory');
    const answer = await get(tampered, { 'x-forwarded-host': VECTOR.hostWithPort });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 401 } });
    expect(sim.state.members('devs')).toEqual([]);
  });

  it('checks the Timestamp before the signature: stale and badly signed is 403, with the generic body', async () => {
    await vectorSimulator(VECTOR.at + 301_000);
    const answer = await get(vectorQuery('AAAA'), { 'x-forwarded-host': VECTOR.hostWithPort });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual(GENERIC_403);
  });

  it('answers a bad signature with the generic 401 body, never the reason', async () => {
    await vectorSimulator();
    const answer = await get(vectorQuery('AAAA'), { 'x-forwarded-host': VECTOR.hostWithPort });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual(GENERIC_401);
  });

  it('accepts a POST with the same query string', async () => {
    await vectorSimulator();
    const answer = await get(
      vectorQuery(VECTOR.signatureWithPort),
      { 'x-forwarded-host': VECTOR.hostWithPort },
      'POST',
    );
    expect(answer.status).toBe(204);
    expect(sim.state.members('devs')).toEqual(['alice']);
  });

  it('refuses a timestamp older than 300 s with 403, and lets a future one pass', async () => {
    await vectorSimulator(VECTOR.at + 301_000);
    expect((await get(vectorQuery(VECTOR.signatureWithPort), { 'x-forwarded-host': VECTOR.hostWithPort })).status).toBe(
      403,
    );
    await vectorSimulator(VECTOR.at - 3_600_000);
    expect((await get(vectorQuery(VECTOR.signatureWithPort), { 'x-forwarded-host': VECTOR.hostWithPort })).status).toBe(
      204,
    );
  });

  it('answers 400 to another SignatureMethod or SignatureVersion, 401 to an unknown key', async () => {
    await start();
    const host = new URL(sim.url).host;
    const sign = (params: Record<string, string>) => {
      const all = {
        Action: 'ListGroups',
        JCSAccessKeyId: sim.credentials.accessKey,
        SignatureVersion: '2',
        SignatureMethod: 'HmacSHA256',
        Version: '2016-09-15',
        Timestamp: jcsTimestamp(new Date()),
        ...params,
      };
      return `${canonicalQuery(all)}&Signature=${encodeRfc3986(signature(sim.credentials.secretKey, host, all))}`;
    };
    expect((await get(sign({ SignatureMethod: 'HmacSHA1' }))).status).toBe(400);
    expect((await get(sign({ SignatureVersion: '4' }))).status).toBe(400);
    expect((await get(sign({ JCSAccessKeyId: 'ffffffffffffffffffffffffffffffff' }))).status).toBe(401);
    expect((await get(sign({}))).status).toBe(200);
  });
});

describe('JCS simulator answers in the shapes of the server source (docs/providers/jcs.md, "Exact shapes")', () => {
  async function seeded(options: JcsSimulatorOptions = {}) {
    await start(options);
    const alice = sim.state.addUser({ name: 'alice', email: 'alice@example.com' });
    sim.state.addUser({ name: 'bot', hasPassword: false });
    const devs = sim.state.addGroup('devs', 'developers');
    sim.state.addMember('devs', 'alice');
    return { alice, devs };
  }

  it('GetUser and ListUserInGroup carry no group_count and no password; ListUsers adds both, password as "Yes"/"No"', async () => {
    const { alice } = await seeded();
    const user = {
      id: alice.id,
      name: 'alice',
      account_id: sim.state.accountId,
      enabled: true,
      email: 'alice@example.com',
    };
    expect(await call('GetUser', { Name: 'alice' })).toEqual({ status: 200, body: { user } });
    expect(await call('ListUserInGroup', { Name: 'devs' })).toEqual({ status: 200, body: { users: [user] } });
    const listed = (await call('ListUsers')).body as { users: Array<Record<string, unknown>> };
    expect(listed.users).toEqual([
      { ...user, group_count: 1, password: 'Yes' },
      {
        id: expect.any(String),
        name: 'bot',
        account_id: sim.state.accountId,
        enabled: true,
        group_count: 0,
        password: 'No',
      },
    ]);
  });

  it('ListGroups says policies "" when none are attached; ListGroupsForUser has no policies', async () => {
    const { devs } = await seeded();
    const group = { id: devs.id, name: 'devs', account_id: sim.state.accountId, description: 'developers' };
    expect(await call('ListGroups')).toEqual({ status: 200, body: { groups: [{ ...group, policies: '' }] } });
    expect(await call('ListGroupsForUser', { Name: 'alice' })).toEqual({ status: 200, body: { groups: [group] } });
  });

  it('a credential’s id is the hex SHA-256 of its access key; the secret appears once, in a JSON string blob', async () => {
    await seeded();
    const created = (await call('CreateCredential', { UserName: 'alice' })).body as { id: string; blob: string };
    const blob = JSON.parse(created.blob) as { access: string; secret: string };
    expect(blob.access).toMatch(/^[0-9a-f]{32}$/);
    expect(created.id).toBe(createHash('sha256').update(blob.access).digest('hex'));
    expect(await call('GetUserCredential', { UserName: 'alice' })).toEqual({
      status: 200,
      body: { credentials: [{ id: created.id, user_id: expect.any(String), blob: { access: blob.access } }] },
    });
    expect((await call('DeleteCredential', { Id: created.id })).status).toBe(204);
  });

  it('ListVirtualMFADevices lists entities {id, name, created_at}, no owner; a later build ([guess]) adds user_id', async () => {
    await seeded();
    sim.state.addMfaDevice('alice', 'alice');
    const { body } = await call('ListVirtualMFADevices', { AssignmentStatus: 'any' });
    expect(body).toEqual({ entities: [{ id: expect.any(String), name: 'alice', created_at: expect.any(String) }] });
    const { alice } = await seeded({ build: { mfaListOwners: true } });
    sim.state.addMfaDevice('alice', 'alice');
    const later = await call('ListVirtualMFADevices', { AssignmentStatus: 'any' });
    expect(later.body).toEqual({
      entities: [{ id: expect.any(String), name: 'alice', created_at: expect.any(String), user_id: alice.id }],
    });
  });

  it('DeactivateMFADevice on a locked device answers 400 "mfa device is not enabled"; DeleteVirtualMFADevice deletes it while attached', async () => {
    await seeded();
    sim.state.addMfaDevice('alice', 'alice', { enabled: false });
    expect(await call('DeactivateMFADevice', { VirtualMFADeviceName: 'alice', UserName: 'alice' })).toEqual({
      status: 400,
      body: { error: { code: 400, title: 'Bad Request', message: 'mfa device is not enabled' } },
    });
    expect((await call('DeleteVirtualMFADevice', { Name: 'alice' })).status).toBe(204);
    expect(sim.state.mfaDevices()).toEqual([]);
  });

  it('an older build ([guess]) reads MfaName instead of VirtualMFADeviceName', async () => {
    await seeded({ build: { deactivateDeviceParam: 'MfaName' } });
    sim.state.addMfaDevice('alice', 'alice');
    expect((await call('DeactivateMFADevice', { VirtualMFADeviceName: 'alice', UserName: 'alice' })).status).toBe(400);
    expect((await call('DeactivateMFADevice', { MfaName: 'alice', UserName: 'alice' })).status).toBe(204);
  });

  it('an unknown Action is a 400 titled Not Found', async () => {
    await seeded();
    expect(await call('ListEverything')).toEqual({
      status: 400,
      body: { error: { code: 400, title: 'Not Found', message: 'Could not find action: ListEverything' } },
    });
  });

  it('every limit is the generic 403: a third credential, a 21st group, a 101st member', async () => {
    await seeded();
    sim.state.addKey('alice');
    sim.state.addKey('alice');
    expect(await call('CreateCredential', { UserName: 'alice' })).toEqual({ status: 403, body: GENERIC_403 });
    for (let i = 1; i < 20; i++) {
      sim.state.addGroup(`g-${i}`);
      sim.state.addMember(`g-${i}`, 'alice');
    }
    sim.state.addGroup('one-more');
    expect(await call('AssignUserToGroup', { UserName: 'alice', GroupName: 'one-more' })).toEqual({
      status: 403,
      body: GENERIC_403,
    });
    for (let i = 0; i < 99; i++) {
      sim.state.addUser({ name: `member-${i}` });
      sim.state.addMember('devs', `member-${i}`);
    }
    expect(sim.state.members('devs')).toHaveLength(100);
    expect(await call('AssignUserToGroup', { UserName: 'bot', GroupName: 'devs' })).toEqual({
      status: 403,
      body: GENERIC_403,
    });
  });
});
