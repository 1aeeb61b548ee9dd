import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/domain/secret.ts';
import { failure, seedUser, startRig, type Rig } from './support.ts';

let rig: Rig;
afterEach(async () => {
  await rig.close();
});

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Outscale requests on the wire', () => {
  it('POSTs a signed form to / with a plain Content-Type, signing the host with its port', async () => {
    rig = await startRig();
    await rig.provider.probe();
    const [request] = rig.sim.server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/' });
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.host).toBe(new URL(rig.sim.url).host);
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      Action: 'ListUsers',
      Version: '2010-05-08',
    });
    const auth = String(request?.headers.authorization);
    expect(auth).toMatch(
      /^AWS4-HMAC-SHA256 Credential=[A-Z0-9]+\/\d{8}\/eu-west-2\/eim\/aws4_request, SignedHeaders=[a-z;-]*host[a-z;-]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('probe proves reachability and accepted credentials with one read', async () => {
    rig = await startRig();
    await expect(rig.provider.probe()).resolves.toMatchObject({ providerRequestId: expect.stringMatching(REQUEST_ID) });
    expect(rig.actions()).toEqual(['ListUsers']);
  });
});

describe('Outscale retries', () => {
  it('retries the RequestLimitExceeded code as throttling', async () => {
    rig = await startRig({ sim: { throttleCode: 'RequestLimitExceeded' } });
    rig.sim.server.inject({ type: 'status', status: 400 }, 1);
    await rig.provider.probe();
    expect(rig.actions()).toHaveLength(2);
  });

  it('when throttling outlasts the attempts, fails as rate_limited with Retry-After and the request id', async () => {
    rig = await startRig();
    rig.sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 7 }, 3);
    const error = await failure(rig.provider.probe());
    expect(error).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 7_000,
      providerRequestId: expect.stringMatching(REQUEST_ID),
    });
    expect(error.message).toContain('Throttling: Rate exceeded');
  });

  it('a dropped connection on a read is retried', async () => {
    rig = await startRig();
    rig.sim.state.addUser('alice');
    rig.sim.server.inject({ type: 'drop' });
    await expect(rig.provider.resolvePrincipal('alice')).resolves.toMatchObject({ name: 'alice' });
  });
});

describe('Outscale authentication and authorization', () => {
  it('a wrong secret key is unauthorized (SignatureDoesNotMatch), with the request id, and nothing is retried', async () => {
    rig = await startRig();
    const provider = rig.connect({ secretKey: new Secret('not-the-secret-key-at-all-0000000000000') });
    const error = await failure(provider.probe());
    expect(error).toMatchObject({ kind: 'unauthorized', providerRequestId: expect.stringMatching(REQUEST_ID) });
    expect(error.message).toContain('SignatureDoesNotMatch');
    expect(rig.sim.server.requests).toHaveLength(1);
  });

  it('an unknown access key is unauthorized (InvalidClientTokenId)', async () => {
    rig = await startRig();
    const error = await failure(rig.connect({ accessKey: new Secret('AKUNKNOWN00000000000') }).probe());
    expect(error.kind).toBe('unauthorized');
    expect(error.message).toContain('InvalidClientTokenId');
  });

  it('a signature scoped to another region is unauthorized', async () => {
    rig = await startRig();
    const error = await failure(rig.connect({ region: 'us-east-2' }).probe());
    expect(error.kind).toBe('unauthorized');
    expect(error.message).toContain('valid region');
  });

  it('a service name the endpoint does not accept is unauthorized; both eim and iam are accepted by default', async () => {
    rig = await startRig({ sim: { services: ['eim'] } });
    await expect(rig.provider.probe()).resolves.toBeDefined();
    const error = await failure(rig.connect({ service: 'iam' }).probe());
    expect(error.kind).toBe('unauthorized');
    expect(error.message).toContain("correct service: 'eim'");
  });

  it('a request older than 5 minutes on the service clock is unauthorized; within 5 minutes it passes', async () => {
    let skewMs = 4 * 60_000;
    rig = await startRig({ sim: { now: () => Date.now() + skewMs } });
    await expect(rig.provider.probe()).resolves.toBeDefined();
    skewMs = 6 * 60_000;
    const error = await failure(rig.provider.probe());
    expect(error.kind).toBe('unauthorized');
    expect(error.message).toContain('Signature expired');
  });

  it('credentials without the permission are forbidden (AccessDenied)', async () => {
    rig = await startRig();
    seedUser(rig.sim, 'reader', { allow: ['ListGroups'] });
    const key = rig.sim.state.createKey('reader');
    const reader = rig.connect({ accessKey: new Secret(key.id), secretKey: new Secret(key.secret) });
    await expect(reader.listGroups()).resolves.toEqual([]);
    const error = await failure(reader.probe());
    expect(error).toMatchObject({ kind: 'forbidden', providerRequestId: expect.stringMatching(REQUEST_ID) });
    expect(error.message).toContain('not authorized to perform: iam:ListUsers');
  });
});

describe('Outscale secrets', () => {
  it('never logs or reports credentials or new key secrets', async () => {
    rig = await startRig();
    const ci = seedUser(rig.sim, 'ci');
    rig.sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 1 });
    rig.sim.server.inject({ type: 'latency', ms: 0 });
    rig.sim.server.inject({ type: 'drop', when: 'after' });
    const created = await rig.provider.createKey(ci);
    const denied = await failure(
      rig.connect({ secretKey: new Secret('wrong-secret-0000000000000000000000000000') }).probe(),
    );

    const logs = rig.logs();
    expect(logs).toContain('provider call will be retried');
    expect(logs).toContain('nobody can ever see its secret');
    const secrets = [
      rig.sim.credentials.accessKeyId,
      rig.sim.credentials.secretAccessKey,
      created.secret.reveal(),
      'wrong-secret-0000000000000000000000000000',
    ];
    for (const secret of secrets) {
      expect(logs).not.toContain(secret);
      expect(denied.message).not.toContain(secret);
      expect(JSON.stringify(created)).not.toContain(secret);
    }
  });
});
