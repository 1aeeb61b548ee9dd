/**
 * Issue 16's acceptance, for each provider: its simulator acknowledges an add or a remove without doing
 * it (each simulator's own `lostWrites` knob), and the real adapter, workflow, store and audit log must
 * not end the request as completed, and must tell the admins. Reads back through the real adapters.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../src/app.ts';
import { parsePolicy } from '../../src/config/load-policy.ts';
import { createLogger } from '../../src/log.ts';
import { closeProviders, createProviders } from '../../src/providers/registry.ts';
import { type ProviderRegistry, systemClock } from '../../src/workflow/ports.ts';
import { PEOPLE, startWorld, type World } from '../../src/sandbox/world.ts';
import { EFFECT_ATTEMPTS } from '../../src/workflow/verify.ts';
import { MemoryDirectory, RecordingNotifier } from '../support/doubles.ts';
import { tempDir } from '../support/fixtures.ts';

const { alice, bob, erin } = PEOPLE;

interface Case {
  provider: string;
  add: string;
  remove: string;
  /** Makes Alice a member, as seeded state (not through the API). */
  seed(w: World): void;
  isMember(w: World): boolean;
  /** The simulator's knob: the next writes of this kind are acknowledged and not done. */
  lose(w: World, kind: 'add-member' | 'remove-member', count: number): void;
}

const cloudflareAlice = (w: World) =>
  [...w.cloudflare.state.members.values()].find((m) => m.email === alice.email)?.id ?? '';
const scalewayAlice = (w: World) => w.scaleway.state.users.find((u) => u.email === alice.email)?.id ?? '';

const CASES: Case[] = [
  {
    provider: 'jcs',
    add: 'jcs-devs',
    remove: 'jcs-devs-leave',
    seed: (w) => w.jcs.state.addMember('devs', alice.name),
    isMember: (w) => w.jcs.state.members('devs').includes(alice.name),
    lose: (w, kind, count) => w.jcs.state.lostWrites.lose(kind, count),
  },
  {
    provider: 'cf',
    add: 'cf-prod-admins',
    remove: 'cf-prod-admins-leave',
    seed: (w) => w.cloudflare.state.addToGroup(w.ids.cloudflareGroup, cloudflareAlice(w)),
    isMember: (w) => w.cloudflare.state.groupMembers(w.ids.cloudflareGroup).includes(cloudflareAlice(w)),
    lose: (w, kind, count) => w.cloudflare.state.lostWrites.lose(kind, count),
  },
  {
    provider: 'scw',
    add: 'scw-developers',
    remove: 'scw-developers-leave',
    seed: (w) => w.scaleway.state.group(w.ids.scalewayGroup)?.userIds.push(scalewayAlice(w)),
    isMember: (w) => w.scaleway.state.group(w.ids.scalewayGroup)?.userIds.includes(scalewayAlice(w)) ?? false,
    lose: (w, kind, count) => w.scaleway.state.lostWrites.lose(kind, count),
  },
  {
    provider: 'osc',
    add: 'osc-ops',
    remove: 'osc-ops-leave',
    seed: (w) => w.outscale.state.addMember('ops', alice.name),
    isMember: (w) => w.outscale.state.membersOf('ops').includes(alice.name),
    lose: (w, kind, count) => w.outscale.state.lostWrites.lose(kind, count),
  },
];

let world: World;
let services: Services;
let providers: ProviderRegistry;
let notifier: RecordingNotifier;
let dir: { path: string; remove(): Promise<void> };

async function start(): Promise<void> {
  world = await startWorld({ slackRateLimits: false });
  // One stage, Alice's manager, for every item: the approvals are not what is tested here.
  const text = world.policy.replace(/approvers: \[.*\]/g, 'approvers: [managers]');
  const config = parsePolicy(text, 'policy.yml', world.env);
  const log = createLogger({ level: 'silent' });
  providers = createProviders(config.providers, { log, sleep: async () => undefined });
  const directory = new MemoryDirectory();
  for (const p of Object.values(PEOPLE)) directory.emails.set(p.id, p.email);
  notifier = new RecordingNotifier();
  dir = await tempDir();
  services = await openServices({
    policy: config.policy,
    dataDir: dir.path,
    providers,
    notifier,
    directory,
    clock: systemClock,
    log,
    sleep: async () => undefined,
  });
}

afterEach(async () => {
  await services?.close();
  await closeProviders(providers);
  await world?.close();
  await dir?.remove();
});

async function carryOut(itemId: string): Promise<{ ref: string; state: string }> {
  const request = await services.service.submit({
    requester: alice.id,
    itemId,
    reason: 'verified effects',
    ...(itemId === 'cf-prod-admins' ? { duration: '1h' } : {}),
  });
  await services.service.approve(bob.id, request.ref);
  await services.executor.settle();
  await services.dispatcher.settle();
  return { ref: request.ref, state: (await services.service.find(request.ref)).status.state };
}

/** The request's entries as the hash-chained log on disk holds them. */
async function auditOf(
  ref: string,
): Promise<{ event: string; requestRef?: string; details: Record<string, unknown> }[]> {
  await services.recorder.flushAudit();
  const lines = (await readFile(join(dir.path, 'audit.jsonl'), 'utf8')).split('\n').filter(Boolean);
  return lines
    .map((line) => JSON.parse(line) as { event: string; requestRef?: string; details: Record<string, unknown> })
    .filter((e) => e.requestRef === ref);
}

describe.each(CASES)('$provider: a change the simulator acknowledges without doing', (c) => {
  it('an add that never happens does not end completed, and the admins are told', async () => {
    await start();
    c.lose(world, 'add-member', EFFECT_ATTEMPTS);
    const { ref, state } = await carryOut(c.add);
    expect(state).toBe('failed');
    expect(c.isMember(world)).toBe(false);
    expect((await services.service.find(ref)).status).toMatchObject({
      error: { kind: 'unverified', message: expect.stringContaining('not a member') },
    });
    expect(notifier.notices.find((n) => n.event === 'effect.unverified')).toMatchObject({
      approvers: [erin.id],
      request: { ref },
    });
    expect((await auditOf(ref)).map((e) => e.event)).not.toContain('execution.completed');
  });

  it('a remove that never happens does not end completed, and the admins are told', async () => {
    await start();
    c.seed(world);
    c.lose(world, 'remove-member', EFFECT_ATTEMPTS);
    const { ref, state } = await carryOut(c.remove);
    expect(state).toBe('failed');
    expect(c.isMember(world)).toBe(true);
    expect((await services.service.find(ref)).status).toMatchObject({
      error: { kind: 'unverified', message: expect.stringContaining('is not a member') },
    });
    expect(notifier.notices.find((n) => n.event === 'effect.unverified')).toMatchObject({
      approvers: [erin.id],
      request: { ref },
    });
  });

  it('an add lost once is made again and recorded as verified, with what was read and when', async () => {
    await start();
    c.lose(world, 'add-member', 1);
    const before = Date.now();
    const { ref, state } = await carryOut(c.add);
    expect(state).toBe('completed');
    expect(c.isMember(world)).toBe(true);
    const completed = (await auditOf(ref)).find((e) => e.event === 'execution.completed');
    expect(completed?.details).toMatchObject({
      verified: true,
      readBack: [{ expected: expect.stringContaining('is a member of'), observed: 'a member', reads: 1 }],
    });
    const at = Date.parse(String((completed?.details.readBack as { at: string }[])[0]?.at));
    expect(at).toBeGreaterThanOrEqual(before - 1_000);
  });
});

describe('jcs: an MFA reset whose device is not the user’s to remove', () => {
  it('a device named by the rule but attached to nobody is left alone, so the reset ends unverified, not done', async () => {
    await start();
    world.jcs.state.deactivateMfaDevice(alice.name, alice.name);
    const request = await services.service.submit({
      requester: alice.id,
      itemId: 'jcs-mfa',
      reason: 'verified effects',
    });
    await services.service.approve(bob.id, request.ref, 0, 'verified by a call');
    await services.executor.settle();
    await services.dispatcher.settle();
    expect((await services.service.find(request.ref)).status).toMatchObject({
      state: 'failed',
      error: { kind: 'unverified', message: expect.stringContaining('has no MFA device') },
    });
    expect(world.jcs.state.mfaDevices().map((d) => d.name)).toEqual([alice.name]);
    expect(notifier.notices.find((n) => n.event === 'effect.unverified')).toMatchObject({ approvers: [erin.id] });
  });
});
