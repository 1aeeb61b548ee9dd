import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/domain/secret.ts';
import { createLogger } from '../../../src/log.ts';
import { jcs } from '../../../src/providers/jcs/index.ts';
import { ProviderError, type PrincipalRef } from '../../../src/workflow/ports.ts';
import { SimServer, json } from '../../../src/simulators/shared/sim-server.ts';
import { actionsSent, injectAt, rig, type Rig } from './rig.ts';

let r: Rig;
afterEach(() => r.close());

function seedAlice(): PrincipalRef {
  const user = r.sim.state.addUser({ name: 'alice' });
  r.sim.state.addGroup('devs');
  return { id: user.id, name: user.name };
}

const failureOf = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);

describe('JCS authentication failures', () => {
  // JCS's 401 and 403 bodies never say why (docs/providers/jcs.md): the error says what each can mean.
  it('a wrong secret key is unauthorized (bad signature, 401), with the request id and what to check', async () => {
    r = await rig({ settings: { secretKey: new Secret('0'.repeat(32)) } });
    const error = await failureOf(r.provider.probe());
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      kind: 'unauthorized',
      message: expect.stringContaining('secret key does not match'),
      providerRequestId: expect.stringMatching(/^req-/),
    });
  });

  it('an unknown access key is unauthorized', async () => {
    r = await rig({ settings: { accessKey: new Secret('f'.repeat(32)) } });
    await expect(r.provider.probe()).rejects.toMatchObject({
      kind: 'unauthorized',
      message: expect.stringContaining('access key is unknown'),
    });
  });

  it('a clock more than 300 s behind the server is forbidden (stale Timestamp), not retried, and the error names the clock', async () => {
    r = await rig({ sim: { now: () => Date.now() + 600_000 } });
    await expect(r.provider.probe()).rejects.toMatchObject({
      kind: 'forbidden',
      message: expect.stringContaining('clock more than 5 minutes behind'),
    });
    expect(r.sim.server.requests).toHaveLength(1);
  });

  it('works with a server that sends no request id ([guess]: docs/providers/jcs.md names none)', async () => {
    r = await rig({ sim: { build: { requestIds: false } } });
    expect(await r.provider.probe()).toEqual({});
  });

  it('a key created through JCS signs requests too; once deleted it is refused', async () => {
    r = await rig();
    const ci = r.sim.state.addUser({ name: 'ci' });
    const created = await r.provider.createKey({ id: ci.id, name: 'ci' });
    const asCi = jcs.create(
      { ...r.settings, accessKey: new Secret(created.key.id), secretKey: created.secret },
      { log: createLogger({ level: 'silent' }) },
    );
    try {
      await expect(asCi.probe()).resolves.toBeDefined();
      await r.provider.deleteKey({ id: ci.id, name: 'ci' }, created.key.id);
      await expect(asCi.probe()).rejects.toMatchObject({ kind: 'unauthorized' });
    } finally {
      await asCi.close();
    }
  });
});

describe('JCS error kinds', () => {
  it('a missing parameter is invalid_request (400)', async () => {
    r = await rig();
    const alice = seedAlice();
    await expect(r.provider.addMember('', alice)).rejects.toMatchObject({
      kind: 'invalid_request',
      message: expect.stringContaining('Missing required parameter GroupName'),
    });
  });

  it('an answer in a form the adapter does not know is an internal error that quotes no part of the body', async () => {
    // A server that is not JCS: GetUserCredential fine, CreateCredential with a truncated blob holding a secret.
    const impostor = await SimServer.start(
      (request) =>
        request.query.get('Action') === 'CreateCredential'
          ? json(200, { id: 'c1', user_id: 'u1', blob: '{"access":"AK1","secret":"SECRET-do-not-quote"' })
          : json(200, { credentials: [] }),
      { faultResponse: (status) => json(status, {}) },
    );
    r = await rig({ settings: {} });
    const provider = jcs.create({ ...r.settings, endpoint: impostor.url }, { log: createLogger({ level: 'silent' }) });
    try {
      const error = await failureOf(provider.createKey({ id: 'u1', name: 'ci' }));
      expect(error).toMatchObject({ kind: 'internal', message: expect.stringContaining('CreateCredential') });
      expect(String((error as Error).message)).not.toContain('SECRET-do-not-quote');
    } finally {
      await provider.close();
      await impostor.close();
    }
  });
});

describe('JCS retries and connections', () => {
  it('retries 429 honouring Retry-After, then 503, then succeeds', async () => {
    r = await rig();
    r.sim.server.inject({ type: 'status', status: 429, retryAfterSeconds: 5 });
    r.sim.server.inject({ type: 'status', status: 503 });
    r.sim.state.addGroup('devs');
    expect(await r.provider.listGroups()).toEqual([{ id: 'devs', name: 'devs' }]);
    expect(r.sim.server.requests).toHaveLength(3);
    expect(r.waits[0]).toBeGreaterThanOrEqual(5_000);
    expect(r.waits).toHaveLength(2);
  });

  it('sends once more, freshly signed, when retries outlived the signature (403 for a stale Timestamp)', async () => {
    // The server's clock jumps 301 s for the second request only: the retry of the first signature is stale.
    const box: { sim?: Rig['sim'] } = {};
    r = await rig({ sim: { now: () => Date.now() + (box.sim?.server.requests.length === 2 ? 301_000 : 0) } });
    box.sim = r.sim;
    r.sim.server.inject({ type: 'status', status: 503 });
    await expect(r.provider.probe()).resolves.toBeDefined();
    expect(r.sim.server.requests).toHaveLength(3);
  });
});

describe('JCS secrets in logs', () => {
  it('no credential, signature or new key secret reaches the logs, through retries and an orphan clean-up', async () => {
    r = await rig();
    const alice = seedAlice();
    r.sim.server.inject({ type: 'status', status: 503 });
    await r.provider.addMember('devs', alice);
    injectAt(r.sim.server, 2, { type: 'drop', when: 'after' });
    const created = await r.provider.createKey(alice);
    const logs = r.logs();
    expect(logs).toContain('provider call will be retried');
    expect(logs).toContain('uncertain outcome');
    const secrets = [
      r.sim.credentials.accessKey,
      r.sim.credentials.secretKey,
      created.secret.reveal(),
      ...r.sim.server.requests.map((request) => request.query.get('Signature') ?? ''),
      ...r.sim.server.requests.map((request) => encodeURIComponent(request.query.get('Signature') ?? '')),
    ];
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(actionsSent(r.sim.server)).toContain('DeleteCredential');
  });
});
