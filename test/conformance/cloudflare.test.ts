/**
 * The official Cloudflare SDK against the simulator: it must succeed (the simulator speaks the real
 * API), and for the same operation the adapter must put the same request on the wire (the adapter
 * speaks it too). Compared: method, path, query, JSON body, content type and the Authorization header.
 */
import Cloudflare from 'cloudflare';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/domain/secret.ts';
import { createLogger } from '../../src/log.ts';
import { cloudflare } from '../../src/providers/cloudflare/index.ts';
import { startCloudflareSimulator, type CloudflareSimulator } from '../../src/simulators/cloudflare/index.ts';
import type { SimRequest } from '../../src/simulators/shared/sim-server.ts';

/** The adapter the descriptor builds, with every call it has. */
type Provider = ReturnType<typeof cloudflare.create>;

let sim: CloudflareSimulator;
let provider: Provider;
let sdk: Cloudflare;

beforeEach(async () => {
  sim = await startCloudflareSimulator();
  provider = cloudflare.create(
    {
      type: 'cloudflare',
      id: 'cf',
      timeoutMs: 2_000,
      maxAttempts: 1,
      accountId: sim.accountId,
      token: new Secret(sim.credentials.token),
      baseUrl: sim.url,
    },
    { log: createLogger({ level: 'silent' }), sleep: async () => {} },
  );
  sdk = new Cloudflare({ apiToken: sim.credentials.token, baseURL: sim.url, maxRetries: 0 });
});
afterEach(async () => {
  await provider.close();
  await sim.close();
});

function wire(request: SimRequest) {
  return {
    method: request.method,
    path: request.path,
    query: [...request.query].sort(([a], [b]) => a.localeCompare(b)),
    body: request.body === '' ? undefined : (JSON.parse(request.body) as unknown),
    contentType: (request.headers['content-type'] as string | undefined)?.split(';')[0],
    authorization: request.headers.authorization,
  };
}

/** The requests `run` made, in wire form. */
async function recorded(run: () => Promise<unknown>) {
  const from = sim.server.requests.length;
  await run();
  return sim.server.requests.slice(from).map(wire);
}

async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('Cloudflare conformance with the official SDK', () => {
  it('add member: a bare JSON array of membership ids', async () => {
    const group = sim.state.addGroup('admins');
    const alice = sim.state.addMember('alice@example.com');
    const bySdk = await recorded(async () => {
      const added = await drain(
        sdk.iam.userGroups.members.create(group.id, { account_id: sim.accountId, members: [{ id: alice.id }] }),
      );
      expect(added.map((m) => m.id)).toEqual([alice.id]);
    });
    expect(sim.state.groupMembers(group.id)).toEqual([alice.id]);
    sim.state.removeFromGroup(group.id, alice.id);
    const byAdapter = await recorded(() => provider.addMember(group.id, { id: alice.id, name: alice.email }));
    expect(sim.state.groupMembers(group.id)).toEqual([alice.id]);
    expect(byAdapter).toEqual(bySdk);
    expect(bySdk[0]).toMatchObject({
      method: 'POST',
      body: [{ id: alice.id }],
      contentType: 'application/json',
      authorization: `Bearer ${sim.credentials.token}`,
    });
  });

  it('remove member', async () => {
    const group = sim.state.addGroup('admins');
    const alice = sim.state.addMember('alice@example.com');
    sim.state.addToGroup(group.id, alice.id);
    const bySdk = await recorded(async () => {
      const removed = await sdk.iam.userGroups.members.delete(alice.id, {
        account_id: sim.accountId,
        user_group_id: group.id,
      });
      expect(removed.id).toBe(alice.id);
    });
    expect(sim.state.groupMembers(group.id)).toEqual([]);
    sim.state.addToGroup(group.id, alice.id);
    const byAdapter = await recorded(() => provider.removeMember(group.id, { id: alice.id, name: alice.email }));
    expect(sim.state.groupMembers(group.id)).toEqual([]);
    expect(byAdapter).toEqual(bySdk);
  });

  it('list groups: the SDK auto-paginates to the empty page, the adapter stops one request earlier', async () => {
    for (let i = 0; i < 1200; i++) sim.state.addGroup(`team-${String(i).padStart(4, '0')}`);
    sim.state.addGroup('unrelated');
    let names: string[] = [];
    const bySdk = await recorded(async () => {
      const groups = await drain(
        sdk.iam.userGroups.list({ account_id: sim.accountId, fuzzyName: 'team', page: 1, per_page: 500 }),
      );
      names = groups.map((g) => g.name);
    });
    expect(names).toHaveLength(1200);
    const byAdapter = await recorded(async () => {
      expect((await provider.listGroups('team')).map((g) => g.name)).toEqual(names);
    });
    // 500 + 500 + 200 items; the SDK then reads page 4, which the simulator answers with [].
    expect(bySdk.map((r) => r.query.find(([k]) => k === 'page')?.[1])).toEqual(['1', '2', '3', '4']);
    expect(byAdapter).toEqual(bySdk.slice(0, 3));
  });

  it('token roll (key creation): the new value is the bare string result', async () => {
    const ci = sim.state.addToken('ci-deploy');
    const bySdk = await recorded(async () => {
      const value = await sdk.accounts.tokens.value.update(ci.id, { account_id: sim.accountId });
      expect(value).toBe(ci.value);
    });
    const byAdapter = await recorded(async () => {
      expect((await provider.createKey({ id: ci.id, name: ci.name })).secret.reveal()).toBe(ci.value);
    });
    expect(ci.rolls).toBe(2);
    expect(byAdapter).toEqual(bySdk);
    expect(bySdk[0]).toMatchObject({
      method: 'PUT',
      path: `/accounts/${sim.accountId}/tokens/${ci.id}/value`,
      body: undefined,
    });
  });

  it('current scannable tokens (cfat_…) authenticate the SDK and the adapter, before and after a roll', async () => {
    const scannable = /^cfat_[A-Za-z0-9]{40}[0-9a-f]{8}$/;
    expect(sim.credentials.token).toMatch(scannable);
    const group = sim.state.addGroup('admins');
    const rolled = await sdk.accounts.tokens.value.update(sim.credentials.tokenId, { account_id: sim.accountId });
    expect(rolled).toMatch(scannable);
    const after = new Cloudflare({ apiToken: rolled, baseURL: sim.url, maxRetries: 0 });
    expect((await drain(after.iam.userGroups.list({ account_id: sim.accountId }))).map((g) => g.id)).toEqual([
      group.id,
    ]);
    const adapter = cloudflare.create(
      {
        type: 'cloudflare',
        id: 'cf-rolled',
        timeoutMs: 2_000,
        maxAttempts: 1,
        accountId: sim.accountId,
        token: new Secret(rolled),
        baseUrl: sim.url,
      },
      { log: createLogger({ level: 'silent' }), sleep: async () => {} },
    );
    try {
      expect(await adapter.listGroups()).toEqual([{ id: group.id, name: 'admins' }]);
    } finally {
      await adapter.close();
    }
  });
});
