/** Answers the simulator never gives: proxies' pages, changed shapes. The adapter must not trust them. */
import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../src/domain/secret.ts';
import { createLogger } from '../../../src/log.ts';
import { cloudflare } from '../../../src/providers/cloudflare/index.ts';
import { SimServer, json, type SimResponse } from '../../../src/simulators/shared/sim-server.ts';

/** The adapter the descriptor builds, with every call it has. */
type Provider = ReturnType<typeof cloudflare.create>;

let server: SimServer;
let provider: Provider;
afterEach(async () => {
  await provider.close();
  await server.close();
});

async function answering(response: SimResponse): Promise<Provider> {
  server = await SimServer.start(() => response, { faultResponse: (status) => json(status, {}) });
  provider = cloudflare.create(
    {
      type: 'cloudflare',
      id: 'cf',
      timeoutMs: 1_000,
      maxAttempts: 1,
      accountId: 'a'.repeat(32),
      token: new Secret('t'.repeat(40)),
      baseUrl: server.url,
    },
    { log: createLogger({ level: 'silent' }), sleep: async () => {} },
  );
  return provider;
}

const ray = { 'cf-ray': '0123456789abcdef-AMS' };

describe('Cloudflare answers out of shape', () => {
  it('reports a success page that is not an API envelope as internal', async () => {
    const p = await answering({
      status: 200,
      headers: { 'content-type': 'text/html', ...ray },
      body: '<html>maintenance</html>',
    });
    await expect(p.listGroups()).rejects.toMatchObject({
      kind: 'internal',
      providerRequestId: '0123456789abcdef-AMS',
      message: expect.stringContaining('not an API v4 envelope'),
    });
  });

  it('reports success: false inside a 200 as Cloudflare’s error', async () => {
    const p = await answering(
      json(200, { success: false, errors: [{ code: 1234, message: 'nope' }], messages: [], result: null }, ray),
    );
    await expect(p.probe()).rejects.toMatchObject({
      kind: 'invalid_request',
      message: 'Cloudflare could not list user groups: nope (code 1234)',
    });
  });

  it('reports a group without a name as internal, naming the field', async () => {
    const p = await answering(json(200, { success: true, errors: [], messages: [], result: [{ id: 'g' }] }, ray));
    await expect(p.listGroups()).rejects.toMatchObject({ kind: 'internal', message: expect.stringContaining('name') });
  });

  it('never echoes a roll result it cannot read, and says the token may have been rolled', async () => {
    const p = await answering(
      json(200, { success: true, errors: [], messages: [], result: { value: 'NEW-SECRET-VALUE' } }, ray),
    );
    const error = await p.createKey({ id: 'b'.repeat(32), name: 'ci' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'internal',
      uncertain: true,
      message: expect.stringContaining('the old value of ci no longer works'),
    });
    expect(JSON.stringify(error) + String(error)).not.toContain('NEW-SECRET-VALUE');
  });

  it('maps an error status without an envelope by its status', async () => {
    const p = await answering({ status: 502, headers: ray, body: 'bad gateway' });
    await expect(p.probe()).rejects.toMatchObject({
      kind: 'unavailable',
      message: 'Cloudflare could not list user groups: HTTP 502',
      providerRequestId: '0123456789abcdef-AMS',
    });
  });
});
