import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { HttpClient, type HttpClientOptions } from '../../src/providers/http/http-client.ts';
import { backoffDelay, parseRetryAfter } from '../../src/shared/backoff.ts';
import { ProviderError } from '../../src/workflow/ports.ts';
import { SimServer, json } from '../../src/simulators/shared/sim-server.ts';

let sim: SimServer;
let client: HttpClient | undefined;
let waits: number[];

beforeEach(async () => {
  sim = await SimServer.start((req) => json(200, { ok: true, path: req.path }), {
    faultResponse: (status) => json(status, { error: `injected ${status}` }),
  });
  waits = [];
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await sim.close();
});

function makeClient(options: Partial<HttpClientOptions> = {}): HttpClient {
  const created = new HttpClient({
    provider: 'test',
    baseUrl: `${sim.url}/api/v1`,
    timeoutMs: 300,
    maxAttempts: 4,
    log: createLogger({ level: 'silent' }),
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  client = created;
  return created;
}

describe('HttpClient', () => {
  it('prefixes the base path and returns the answer', async () => {
    const response = await makeClient().send({ method: 'GET', path: '/things?x=1', idempotent: true });
    expect(response.status).toBe(200);
    expect(sim.requests[0]?.target).toBe('/api/v1/things?x=1');
  });

  it('retries 429 honouring Retry-After, then succeeds', async () => {
    sim.inject({ type: 'status', status: 429, retryAfterSeconds: 2 }, 2);
    const response = await makeClient().send({ method: 'GET', path: '/x', idempotent: true });
    expect(response).toMatchObject({ status: 200, attempts: 3 });
    expect(waits).toHaveLength(2);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(2_000);
  });

  it('gives up after the attempt budget and returns the last answer', async () => {
    sim.inject({ type: 'status', status: 503 }, 10);
    const response = await makeClient().send({ method: 'GET', path: '/x', idempotent: true });
    expect(response).toMatchObject({ status: 503, attempts: 4 });
    expect(sim.requests).toHaveLength(4);
  });

  it('does not retry a 503 to a request that is not idempotent', async () => {
    sim.inject({ type: 'status', status: 503 }, 1);
    const response = await makeClient().send({ method: 'POST', path: '/keys', idempotent: false });
    expect(response.status).toBe(503);
    expect(sim.requests).toHaveLength(1);
  });

  it('retries a 429 to a request that is not idempotent: the provider did not act', async () => {
    sim.inject({ type: 'status', status: 429, retryAfterSeconds: 1 }, 1);
    const response = await makeClient().send({ method: 'POST', path: '/keys', idempotent: false });
    expect(response.status).toBe(200);
    expect(sim.requests).toHaveLength(2);
  });

  it('retries a timeout and a dropped connection when idempotent', async () => {
    sim.inject({ type: 'latency', ms: 600 }, 1);
    sim.inject({ type: 'drop' }, 1);
    const response = await makeClient().send({ method: 'GET', path: '/x', idempotent: true });
    expect(response).toMatchObject({ status: 200, attempts: 3 });
  });

  it('reports a lost answer to a non-idempotent request as uncertain, without retrying', async () => {
    sim.inject({ type: 'drop', when: 'after' }, 1);
    const error = await makeClient()
      .send({ method: 'POST', path: '/keys', idempotent: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'unavailable', uncertain: true });
    expect(sim.requests).toHaveLength(1);
  });

  it('fails as unavailable when the provider never answers', async () => {
    sim.inject({ type: 'latency', ms: 600 }, 10);
    const error = await makeClient({ maxAttempts: 2 })
      .send({ method: 'GET', path: '/x', idempotent: true })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'unavailable',
      message: expect.stringContaining('did not answer within 300 ms'),
    });
  });

  it('signs every attempt afresh', async () => {
    let n = 0;
    sim.inject({ type: 'status', status: 503 }, 1);
    await makeClient({ sign: (req) => ({ 'x-signature': `${req.method} ${req.host} ${req.path} #${++n}` }) }).send({
      method: 'GET',
      path: '/x',
      idempotent: true,
    });
    expect(sim.requests.map((r) => r.headers['x-signature'])).toEqual([
      `GET ${new URL(sim.url).host} /api/v1/x #1`,
      `GET ${new URL(sim.url).host} /api/v1/x #2`,
    ]);
  });

  it('keeps connections alive: 200 sequential calls use a handful of connections', async () => {
    const c = makeClient();
    for (let i = 0; i < 200; i++) await c.send({ method: 'GET', path: `/x/${i}`, idempotent: true });
    expect(sim.connections).toBeLessThanOrEqual(4);
  });
});

describe('backoff', () => {
  it('grows exponentially under the cap, with full jitter', () => {
    const policy = { baseMs: 100, capMs: 1_000 };
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
    expect(backoffDelay(10, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
