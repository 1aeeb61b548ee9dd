import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrincipalRef } from '../../../src/workflow/ports.ts';
import { actionsSent, injectAt, rig, type Rig } from './rig.ts';

let r: Rig;
let ci: PrincipalRef;
beforeEach(async () => {
  r = await rig();
  const user = r.sim.state.addUser({ name: 'ci' });
  ci = { id: user.id, name: user.name };
});
afterEach(() => r.close());

const accessKeys = () => r.sim.state.keysOf('ci').map((key) => key.access);
const creates = () => actionsSent(r.sim.server).filter((action) => action === 'CreateCredential').length;

describe('JCS access keys', () => {
  it('lists a user’s keys by access key id; JCS keys have no status beyond existing', async () => {
    const key = r.sim.state.addKey('ci');
    expect(await r.provider.listKeys(ci)).toEqual([{ id: key.access, status: 'active' }]);
  });

  it('creates a key and returns its secret wrapped, read from the JSON string blob', async () => {
    const created = await r.provider.createKey(ci);
    const [stored] = r.sim.state.keysOf('ci');
    expect(created.key).toEqual({ id: stored?.access, status: 'active' });
    expect(created.secret.reveal()).toBe(stored?.secret);
    expect(JSON.stringify(created)).not.toContain(stored?.secret);
    expect(created.providerRequestId).toMatch(/^req-/);
  });

  it('a third key hits the limit of 2 per user: limit_exceeded naming it, nothing created', async () => {
    r.sim.state.addKey('ci');
    r.sim.state.addKey('ci');
    const error = await r.provider.createKey(ci).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'limit_exceeded',
      message: expect.stringContaining('at most 2 access keys per user'),
    });
    expect(accessKeys()).toHaveLength(2);
  });

  it('a refused CreateCredential under the limit stays forbidden', async () => {
    r.sim.state.deny('CreateCredential');
    await expect(r.provider.createKey(ci)).rejects.toMatchObject({ kind: 'forbidden' });
  });

  it('does not resend a create answered 503: one attempt, unavailable, nothing created', async () => {
    injectAt(r.sim.server, 2, { type: 'status', status: 503 });
    const error = await r.provider.createKey(ci).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable', uncertain: false });
    expect(creates()).toBe(1);
    expect(accessKeys()).toEqual([]);
  });

  it('resends a create answered 429: throttling proves JCS did not act', async () => {
    injectAt(r.sim.server, 2, { type: 'status', status: 429, retryAfterSeconds: 3 });
    await r.provider.createKey(ci);
    expect(creates()).toBe(2);
    expect(r.waits).toEqual([expect.any(Number)]);
    expect(r.waits[0]).toBeGreaterThanOrEqual(3_000);
    expect(accessKeys()).toHaveLength(1);
  });

  it.each([
    ['a lost answer', { type: 'drop', when: 'after' } as const],
    ['a 504 from a gateway', { type: 'status', status: 504, when: 'after' } as const],
  ])('after %s, deletes the orphan key (its secret is lost) and creates once more', async (_name, fault) => {
    const kept = r.sim.state.addKey('ci');
    injectAt(r.sim.server, 2, fault);
    const created = await r.provider.createKey(ci);
    expect(actionsSent(r.sim.server)).toEqual([
      'GetUserCredential',
      'CreateCredential',
      'GetUserCredential',
      'DeleteCredential',
      'CreateCredential',
    ]);
    expect(accessKeys()).toEqual([kept.access, created.key.id]);
    expect(created.secret.reveal()).toBe(r.sim.state.keysOf('ci')[1]?.secret);
    const orphan = r.sim.server.requests[3]?.query.get('AccessKey');
    expect(orphan).not.toBe(created.key.id);
    const warning = r
      .logs()
      .split('\n')
      .find((line) => line.includes('uncertain outcome'));
    expect(JSON.parse(warning ?? '{}')).toMatchObject({
      level: 40,
      provider: 'jcs-test',
      user: 'ci',
      deletedKeys: [orphan],
    });
  });

  it('when the second attempt is lost too, cleans up again and gives up without leaving a key', async () => {
    injectAt(r.sim.server, 2, { type: 'drop', when: 'after' });
    injectAt(r.sim.server, 3, { type: 'drop', when: 'after' });
    const error = await r.provider.createKey(ci).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'unavailable',
      uncertain: false,
      message: expect.stringContaining('no key was left behind'),
    });
    expect(creates()).toBe(2);
    expect(accessKeys()).toEqual([]);
  });

  it('deletes one of the user’s keys', async () => {
    const [first, second] = [r.sim.state.addKey('ci'), r.sim.state.addKey('ci')];
    expect(await r.provider.deleteKey(ci, first.access)).toEqual({ providerRequestId: expect.stringMatching(/^req-/) });
    expect(accessKeys()).toEqual([second.access]);
  });

  it('refuses to delete a key that is not the user’s, and leaves it in place', async () => {
    r.sim.state.addUser({ name: 'bob' });
    const bobs = r.sim.state.addKey('bob');
    await expect(r.provider.deleteKey(ci, bobs.access)).rejects.toMatchObject({ kind: 'not_found' });
    expect(r.sim.state.keysOf('bob')).toHaveLength(1);
    expect(actionsSent(r.sim.server)).not.toContain('DeleteCredential');
  });

  it('cannot deactivate a key: unsupported, with the reason', async () => {
    const key = r.sim.state.addKey('ci');
    expect(r.provider.keys).toMatchObject({ style: 'create' });
    expect(r.provider.keys.deactivateKey).toBeUndefined();
    expect(r.sim.state.keysOf('ci').map((k) => k.access)).toContain(key.access);
    expect(r.sim.server.requests).toEqual([]);
  });
});
