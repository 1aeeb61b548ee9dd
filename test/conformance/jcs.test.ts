/**
 * No official JCS SDK exists for Node, so conformance is checked against the wire facts: the signature
 * vectors of WIRE.md, and a simulator that verifies signatures the way the server does (host with and
 * without its port, tampered queries refused).
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalQuery, encodeRfc3986, jcsTimestamp, signature, signedQuery } from '../../src/providers/jcs/signing.ts';
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

async function get(query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const response = await request(`${sim.url}/?${query}`, { headers });
  return { status: response.statusCode, body: await response.body.text() };
}

const vectorQuery = (sig: string) => `${canonicalQuery(VECTOR.params)}&Signature=${encodeRfc3986(sig)}`;

describe('JCS conformance', () => {
  it('the signing module reproduces both WIRE.md vectors', () => {
    expect(signature(VECTOR.secretKey, VECTOR.hostWithPort, VECTOR.params)).toBe(VECTOR.signatureWithPort);
    expect(signature(VECTOR.secretKey, VECTOR.host, VECTOR.params)).toBe(VECTOR.signatureWithoutPort);
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

  it('refuses a timestamp older than 300 s with 403, and lets a future one pass', async () => {
    await vectorSimulator(VECTOR.at + 301_000);
    expect((await get(vectorQuery(VECTOR.signatureWithPort), { 'x-forwarded-host': VECTOR.hostWithPort })).status).toBe(403);
    await vectorSimulator(VECTOR.at - 3_600_000);
    expect((await get(vectorQuery(VECTOR.signatureWithPort), { 'x-forwarded-host': VECTOR.hostWithPort })).status).toBe(204);
  });

  it('answers 400 to another SignatureMethod or SignatureVersion, 401 to an unknown key', async () => {
    await start();
    const host = new URL(sim.url).host;
    const sign = (params: Record<string, string>) => {
      const all = { Action: 'ListGroups', JCSAccessKeyId: sim.credentials.accessKey, SignatureVersion: '2', SignatureMethod: 'HmacSHA256', Version: '2016-09-15', Timestamp: jcsTimestamp(new Date()), ...params };
      return `${canonicalQuery(all)}&Signature=${encodeRfc3986(signature(sim.credentials.secretKey, host, all))}`;
    };
    expect((await get(sign({ SignatureMethod: 'HmacSHA1' }))).status).toBe(400);
    expect((await get(sign({ SignatureVersion: '4' }))).status).toBe(400);
    expect((await get(sign({ JCSAccessKeyId: 'ffffffffffffffffffffffffffffffff' }))).status).toBe(401);
    expect((await get(sign({}))).status).toBe(200);
  });
});
