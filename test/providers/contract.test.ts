/**
 * The provider contract: what the workflow relies on from every Provider (src/workflow/ports/provider.ts),
 * run over every provider the registry lists, each against its strict simulator through the adapter its
 * descriptor builds (harnesses.ts). Cases skip by capability (what the descriptor declares and the adapter
 * has), never by provider. What only one provider does — its wire, its limits, its own recovery steps —
 * stays in test/providers/<type>/.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/domain/secret.ts';
import { PROVIDERS } from '../../src/providers/registry.ts';
import {
  capabilitiesOf,
  capability,
  ProviderError,
  type CreatedKeys,
  type PrincipalRef,
  type Provider,
} from '../../src/workflow/ports.ts';
import { HARNESSES, MAX_ATTEMPTS, type World } from './harnesses.ts';

/** What a create-style harness seeded; the case fails if the harness cannot seed a key. */
function seeded(key: string | undefined): string {
  if (key === undefined) throw new Error('this harness seeds no keys, yet its provider creates them');
  return key;
}

/** Create-style key rotation (a new key beside the old ones); the case fails for a rolling adapter. */
function createdKeys(p: Provider): CreatedKeys {
  const keys = keysOf(p);
  if (keys.style !== 'create') throw new Error(`${p.id} rolls its keys`);
  return keys;
}

/** The ProviderError a call fails with; the case fails if it succeeds or fails otherwise. */
async function failure(call: Promise<unknown>): Promise<ProviderError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const byId = (refs: PrincipalRef[]) => refs.toSorted((a, b) => a.id.localeCompare(b.id));

// The port's optional interfaces; a case reaches one only where the descriptor declares it, so an adapter
// without it fails the case (`capability` throws unsupported) instead of skipping it.
const groupsOf = (p: Provider) => capability(p, 'groups');
const keysOf = (p: Provider) => capability(p, 'keys');
const mfaOf = (p: Provider) => capability(p, 'mfa');

describe.each(PROVIDERS.map((descriptor) => ({ type: descriptor.type, descriptor })))(
  'provider contract: $type',
  ({ type, descriptor }) => {
    const harness = HARNESSES[type];
    const declared = descriptor.capabilities;
    /** The provider's request id, in its own form. */
    const requestId = expect.stringMatching(harness.requestId);
    let w: World;
    let provider: Provider;
    beforeEach(async () => {
      w = await harness.start();
      provider = w.provider;
    });
    afterEach(async () => {
      await w.close();
    });

    describe('principals and groups', () => {
      it('the adapter is of its descriptor’s type and has the capabilities the descriptor declares', () => {
        expect(provider.type).toBe(type);
        expect(capabilitiesOf(provider)).toEqual(declared);
      });

      it('probe proves the credentials with one read, and answers with the provider’s request id', async () => {
        expect(await provider.probe()).toEqual({ providerRequestId: requestId });
        expect(w.server.requests).toHaveLength(1);
      });

      it('resolves a person to the same principal every time, whatever the case of the identity; an unknown person is not_found', async () => {
        const identity = w.person('alice');
        const alice = await provider.resolvePrincipal(identity);
        w.person('bob');
        expect(alice).toEqual({ id: expect.any(String), name: expect.any(String) });
        expect(await provider.resolvePrincipal(identity.toUpperCase())).toEqual(alice);
        expect(await provider.resolvePrincipal(identity)).toEqual(alice);
        expect(await provider.resolvePrincipal(w.person('carol'))).not.toEqual(alice);
        expect(await provider.resolvePrincipal(w.person('dan'))).not.toEqual(alice);
        expect((await failure(provider.resolvePrincipal('nobody@example.com'))).kind).toBe('not_found');
        expect((await failure(provider.resolvePrincipal('nobody', 'service'))).kind).toBe('not_found');
      });
    });

    describe.skipIf(!declared.groups)('groups', () => {
      it('lists groups by any part of their name, whatever its case, with the ids membership calls take', async () => {
        const admins = w.group('Platform-Admins');
        const readers = w.group('platform-readers');
        w.group('billing');
        expect(byId((await groupsOf(provider).listGroups('PLATFORM')) as PrincipalRef[])).toEqual(
          byId([
            { id: admins, name: 'Platform-Admins' },
            { id: readers, name: 'platform-readers' },
          ]),
        );
        expect(await groupsOf(provider).listGroups()).toHaveLength(3);
      });

      it('lists a group’s members exactly as resolvePrincipal names them, and no one else', async () => {
        const devs = w.group('devs');
        const identities = { alice: w.person('alice'), bob: w.person('bob'), carol: w.person('carol') };
        w.seedMember(devs, 'alice');
        w.seedMember(devs, 'carol');
        const members = await groupsOf(provider).listMembers(devs);
        const alice = await provider.resolvePrincipal(identities.alice);
        const carol = await provider.resolvePrincipal(identities.carol);
        const bob = await provider.resolvePrincipal(identities.bob);
        expect(byId(members)).toEqual(byId([alice, carol]));
        expect(members.map((m) => m.id)).not.toContain(bob.id);
      });

      it('lists a service principal in a group as resolvePrincipal names a service', async (context) => {
        if (!w.seedServiceMember) context.skip();
        const devs = w.group('devs');
        const alice = await provider.resolvePrincipal(w.person('alice'));
        const ci = await provider.resolvePrincipal(w.service('ci'), 'service');
        w.seedMember(devs, 'alice');
        w.seedServiceMember?.(devs, 'ci');
        expect(byId(await groupsOf(provider).listMembers(devs))).toEqual(byId([alice, ci]));
      });

      it('an empty group has no members', async () => {
        expect(await groupsOf(provider).listMembers(w.group('empty'))).toEqual([]);
      });
    });

    describe.skipIf(!declared.groups)('membership', () => {
      it('adds a member, and reading back shows it', async () => {
        const devs = w.group('devs');
        const alice = await provider.resolvePrincipal(w.person('alice'));
        const groups = groupsOf(provider);
        expect(await groups.isMember(devs, alice)).toBe(false);
        expect(await groups.addMember(devs, alice)).toEqual({ providerRequestId: requestId });
        expect(await groups.isMember(devs, alice)).toBe(true);
        expect(await groups.listMembers(devs)).toEqual([alice]);
        expect(w.membersInSim(devs)).toHaveLength(1);
      });

      it('adding an existing member succeeds and changes nothing', async () => {
        const devs = w.group('devs');
        const alice = await provider.resolvePrincipal(w.person('alice'));
        w.seedMember(devs, 'alice');
        const before = w.membersInSim(devs);
        expect(await groupsOf(provider).addMember(devs, alice)).toEqual({ providerRequestId: requestId });
        expect(w.membersInSim(devs)).toEqual(before);
        expect(await groupsOf(provider).isMember(devs, alice)).toBe(true);
      });

      it('removes a member, and reading back shows it', async () => {
        const devs = w.group('devs');
        const alice = await provider.resolvePrincipal(w.person('alice'));
        w.seedMember(devs, 'alice');
        const groups = groupsOf(provider);
        expect(await groups.isMember(devs, alice)).toBe(true);
        expect(await groups.removeMember(devs, alice)).toEqual({ providerRequestId: requestId });
        expect(await groups.isMember(devs, alice)).toBe(false);
        expect(await groups.listMembers(devs)).toEqual([]);
        expect(w.membersInSim(devs)).toEqual([]);
      });

      it('removing a non-member succeeds and changes nothing', async () => {
        const devs = w.group('devs');
        const alice = await provider.resolvePrincipal(w.person('alice'));
        w.person('bob');
        w.seedMember(devs, 'bob');
        const before = w.membersInSim(devs);
        expect(await groupsOf(provider).removeMember(devs, alice)).toEqual({ providerRequestId: requestId });
        expect(w.membersInSim(devs)).toEqual(before);
        expect(await groupsOf(provider).isMember(devs, alice)).toBe(false);
      });

      it('reads back what the provider holds, not what it acknowledged: a lost write shows as not done', async () => {
        const devs = w.group('devs');
        const alice = await provider.resolvePrincipal(w.person('alice'));
        const groups = groupsOf(provider);
        w.lose('add-member');
        await groups.addMember(devs, alice);
        expect(await groups.isMember(devs, alice)).toBe(false);
        w.seedMember(devs, 'alice');
        w.lose('remove-member');
        await groups.removeMember(devs, alice);
        expect(await groups.isMember(devs, alice)).toBe(true);
      });
    });

    describe('errors map to the same kinds', () => {
      it('credentials the provider does not accept are unauthorized, and not retried', async () => {
        expect(await failure(w.withBadCredentials().probe())).toMatchObject({
          kind: 'unauthorized',
          providerRequestId: requestId,
        });
        expect(w.server.requests).toHaveLength(1);
      });
    });

    describe.skipIf(!declared.groups)('group errors map to the same kinds', () => {
      it('an unknown group is not_found; where the wire cannot tell it from a non-member, it reads as one', async () => {
        const alice = await provider.resolvePrincipal(w.person('alice'));
        const groups = groupsOf(provider);
        const looksEmpty = harness.unknownGroupLooksEmpty ?? {};
        const notFound = { kind: 'not_found', providerRequestId: requestId };
        expect(await failure(groups.listMembers(w.missingGroup))).toMatchObject(notFound);
        expect(await failure(groups.addMember(w.missingGroup, alice))).toMatchObject(notFound);
        if (looksEmpty.isMember) expect(await groups.isMember(w.missingGroup, alice)).toBe(false);
        else expect(await failure(groups.isMember(w.missingGroup, alice))).toMatchObject(notFound);
        if (looksEmpty.removeMember) await expect(groups.removeMember(w.missingGroup, alice)).resolves.toBeDefined();
        else expect(await failure(groups.removeMember(w.missingGroup, alice))).toMatchObject(notFound);
      });

      it('a principal the account does not have: adding is not_found and changes nothing; where the wire cannot tell it from a non-member, it reads as one', async () => {
        const devs = w.group('devs');
        const groups = groupsOf(provider);
        const looksAbsent = harness.unknownPrincipalLooksAbsent ?? {};
        expect(await failure(groups.addMember(devs, w.missingPrincipal))).toMatchObject({ kind: 'not_found' });
        expect(w.membersInSim(devs)).toEqual([]);
        if (looksAbsent.isMember) expect(await groups.isMember(devs, w.missingPrincipal)).toBe(false);
        else expect(await failure(groups.isMember(devs, w.missingPrincipal))).toMatchObject({ kind: 'not_found' });
        if (looksAbsent.removeMember)
          await expect(groups.removeMember(devs, w.missingPrincipal)).resolves.toBeDefined();
        else expect(await failure(groups.removeMember(devs, w.missingPrincipal))).toMatchObject({ kind: 'not_found' });
      });

      it('credentials that may read but not write are forbidden on writes, and nothing changes', async () => {
        const devs = w.group('devs');
        const alice = await provider.resolvePrincipal(w.person('alice'));
        const bob = await provider.resolvePrincipal(w.person('bob'));
        w.seedMember(devs, 'bob');
        const reader = groupsOf(w.withoutWriteAccess());
        expect(await reader.isMember(devs, alice)).toBe(false);
        const forbidden = { kind: 'forbidden', providerRequestId: requestId };
        expect(await failure(reader.addMember(devs, alice))).toMatchObject(forbidden);
        expect(await failure(reader.removeMember(devs, bob))).toMatchObject(forbidden);
        expect(w.membersInSim(devs)).toHaveLength(1);
        expect(await groupsOf(provider).isMember(devs, bob)).toBe(true);
      });
    });

    describe('retries', () => {
      it('retries throttling, waiting as long as Retry-After says', async () => {
        w.server.inject({ type: 'status', status: 429, retryAfterSeconds: 2 }, MAX_ATTEMPTS - 1);
        await expect(provider.probe()).resolves.toEqual({ providerRequestId: requestId });
        expect(w.server.requests).toHaveLength(MAX_ATTEMPTS);
        expect(w.waits).toHaveLength(MAX_ATTEMPTS - 1);
        for (const wait of w.waits) expect(wait).toBeGreaterThanOrEqual(2_000);
      });

      it('throttling that outlasts the attempts is rate_limited, with the wait asked and the request id', async () => {
        w.server.inject({ type: 'status', status: 429, retryAfterSeconds: 7 }, MAX_ATTEMPTS);
        expect(await failure(provider.probe())).toMatchObject({
          kind: 'rate_limited',
          retryAfterMs: 7_000,
          providerRequestId: requestId,
        });
        expect(w.server.requests).toHaveLength(MAX_ATTEMPTS);
        expect(w.waits).toHaveLength(MAX_ATTEMPTS - 1);
        for (const wait of w.waits) expect(wait).toBeGreaterThanOrEqual(7_000);
      });

      it.skipIf(!harness.nativeThrottle)(
        `retries the provider’s own throttling answer (${harness.nativeThrottle?.name}), rate_limited once it outlasts the attempts`,
        async () => {
          const fault = harness.nativeThrottle?.fault ?? { type: 'status', status: 429 };
          w.server.inject(fault, MAX_ATTEMPTS - 1);
          await expect(provider.probe()).resolves.toBeDefined();
          expect(w.server.requests).toHaveLength(MAX_ATTEMPTS);
          expect(w.waits).toHaveLength(MAX_ATTEMPTS - 1);
          w.server.inject(fault, MAX_ATTEMPTS);
          expect(await failure(provider.probe())).toMatchObject({ kind: 'rate_limited' });
          expect(w.server.requests).toHaveLength(2 * MAX_ATTEMPTS);
        },
      );

      it('retries a server error on a read; one that outlasts the attempts is unavailable', async () => {
        w.server.inject({ type: 'status', status: 503 }, MAX_ATTEMPTS - 1);
        await expect(provider.probe()).resolves.toEqual({ providerRequestId: requestId });
        expect(w.server.requests).toHaveLength(MAX_ATTEMPTS);
        w.server.inject({ type: 'status', status: 503 }, MAX_ATTEMPTS);
        expect(await failure(provider.probe())).toMatchObject({
          kind: 'unavailable',
          providerRequestId: requestId,
        });
        expect(w.server.requests).toHaveLength(2 * MAX_ATTEMPTS);
      });

      it('keeps connections alive: 200 sequential calls use a handful of connections', async () => {
        for (let i = 0; i < 200; i++) await provider.probe();
        expect(w.server.requests).toHaveLength(200);
        expect(w.server.connections).toBeLessThanOrEqual(4);
      });

      it('close() releases the pool: later calls fail', async () => {
        await provider.probe();
        await provider.close();
        await expect(provider.probe()).rejects.toThrow();
      });

      it('neither the credentials nor a refused secret reach the logs or the errors, through retries', async () => {
        w.server.inject({ type: 'status', status: 429, retryAfterSeconds: 1 });
        w.server.inject({ type: 'status', status: 503 });
        await provider.probe();
        const refused = await failure(w.withBadCredentials().probe());
        const logs = w.logs();
        expect(logs).toContain('will be retried');
        for (const credential of w.credentials) {
          expect(logs).not.toContain(credential);
          expect(refused.message).not.toContain(credential);
          expect(JSON.stringify(refused)).not.toContain(credential);
        }
      });
    });

    describe.skipIf(!declared.keys)('key rotation', () => {
      it('resolves the service principal a rotation names; an unknown one is not_found', async () => {
        const ci = await provider.resolvePrincipal(w.service('ci'), 'service');
        expect(ci).toEqual({ id: expect.any(String), name: 'ci' });
        expect(await provider.resolvePrincipal('ci', 'service')).toEqual(ci);
        expect((await failure(provider.resolvePrincipal('no-such-service', 'service'))).kind).toBe('not_found');
      });

      it('a new key is listed active, and its secret comes back once, wrapped', async () => {
        const ci = await provider.resolvePrincipal(w.service('ci'), 'service');
        const created = await keysOf(provider).createKey(ci);
        expect(created.providerRequestId).toEqual(requestId);
        expect(w.keysInSim('ci')).toContain(created.key.id);
        expect(await keysOf(provider).listKeys(ci)).toContainEqual(
          expect.objectContaining({ id: created.key.id, status: 'active' }),
        );
        expect(created.secret).toBeInstanceOf(Secret);
        expect(created.secret.reveal()).not.toBe('');
        expect(String(created.secret)).toBe('[redacted]');
        expect(JSON.stringify(created)).not.toContain(created.secret.reveal());
        expect(w.logs()).not.toContain(created.secret.reveal());
      });

      it.skipIf(declared.keys !== 'create')(
        'create style: a new key beside the old one, which is then deleted; reading back shows each step',
        async () => {
          const ci = await provider.resolvePrincipal(w.service('ci'), 'service');
          const old = seeded(w.seedKey?.('ci'));
          const keys = createdKeys(provider);
          const created = await keys.createKey(ci);
          expect(created.key.id).not.toBe(old);
          expect(w.keysInSim('ci')).toEqual([old, created.key.id].sort());
          expect((await keys.listKeys(ci)).map((k) => k.id).sort()).toEqual([old, created.key.id].sort());
          await keys.deleteKey(ci, old);
          expect(w.keysInSim('ci')).toEqual([created.key.id]);
          expect((await keys.listKeys(ci)).map((k) => k.id)).toEqual([created.key.id]);
          // Deleting a key already gone ends where deleting leads: done, or not_found (workflow/key-rotation.ts).
          const again = await keys.deleteKey(ci, old).catch((e: unknown) => e);
          if (again instanceof Error) expect(again).toMatchObject({ kind: 'not_found' });
          expect(w.keysInSim('ci')).toEqual([created.key.id]);
        },
      );

      it.skipIf(declared.keys !== 'roll')(
        'roll style: the same key with a new value, nothing left to retire',
        async () => {
          const ci = await provider.resolvePrincipal(w.service('ci'), 'service');
          const before = w.keysInSim('ci');
          const created = await keysOf(provider).createKey(ci);
          expect(before).toEqual([created.key.id]);
          expect(w.keysInSim('ci')).toEqual(before);
          expect((await keysOf(provider).listKeys(ci)).map((k) => k.id)).toEqual(before);
        },
      );

      it('where a key can be switched off and kept, a deactivated key is listed inactive', async (context) => {
        const keys = keysOf(provider);
        if (keys.style !== 'create' || !keys.deactivateKey) return context.skip();
        const ci = await provider.resolvePrincipal(w.service('ci'), 'service');
        const key = seeded(w.seedKey?.('ci'));
        expect(await keys.deactivateKey(ci, key)).toEqual({ providerRequestId: requestId });
        expect(await keys.listKeys(ci)).toContainEqual(expect.objectContaining({ id: key, status: 'inactive' }));
        expect(w.keysInSim('ci')).toEqual([key]);
      });
    });

    describe.skipIf(!declared.mfa)('MFA reset', () => {
      it('a reset removes the device, reading back shows it, and a second reset succeeds', async () => {
        const alice = await provider.resolvePrincipal(w.person('alice'));
        w.enrolMfa?.('alice');
        const mfa = mfaOf(provider);
        expect(await mfa.mfaEnrolled(alice)).toBe(true);
        await expect(mfa.resetMfa(alice)).resolves.toBeDefined();
        expect(await mfa.mfaEnrolled(alice)).toBe(false);
        expect(w.mfaInSim?.('alice')).toBe(false);
        await expect(mfa.resetMfa(alice)).resolves.toBeDefined();
      });

      it('a person without a device: the reset succeeds and changes nothing', async () => {
        const alice = await provider.resolvePrincipal(w.person('alice'));
        const mfa = mfaOf(provider);
        expect(await mfa.mfaEnrolled(alice)).toBe(false);
        await expect(mfa.resetMfa(alice)).resolves.toBeDefined();
        expect(w.mfaInSim?.('alice')).toBe(false);
      });
    });
  },
);
