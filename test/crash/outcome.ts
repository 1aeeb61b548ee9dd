/**
 * What a run of the plan must leave behind, shared by the crash test (one process, embedded store) and the
 * replicas test (several processes, PostgreSQL): the world seeded for the plan, and the checks that every
 * request ended as planned, each provider effect exists once (by the simulators' own records), every
 * request was completed once in the audit log, no Slack post was made twice and no secret is in clear.
 */
import type { Request } from '../../src/domain/request.ts';
import { AUDIT_CHANNEL, PEOPLE, type World } from '../../src/sandbox/world.ts';
import type { PlanItem } from './plan.ts';

/** What the plan's people need: a JCS key and MFA device, and an Outscale key each. */
export function seedWorld(world: World): void {
  for (const p of Object.values(PEOPLE)) {
    if (p.id !== PEOPLE.alice.id) {
      world.jcs.state.addKey(p.name);
      world.jcs.state.addMfaDevice(p.name, p.name);
      world.outscale.state.createKey(p.name);
    }
  }
}

/** The plan's marker in a request's reason: how a run finds the request a plan item became. */
export const marker = (item: Pick<PlanItem, 'n'>) => `plan #${item.n}`;

/**
 * Everything the plan should have left behind, exactly once, and nothing it should not: `requests` as
 * stored, `audit` the audit log's entries in order.
 */
export function checkOutcome(
  world: World,
  plan: readonly PlanItem[],
  requests: readonly Request[],
  audit: readonly { requestId?: string | null; event: string }[],
): string[] {
  const problems: string[] = [];
  const byMarker = new Map(requests.map((r) => [r.reason, r]));
  if (requests.length !== plan.length)
    problems.push(`${requests.length} requests stored for a plan of ${plan.length}: one was lost or made twice`);
  for (const item of plan) {
    const r = byMarker.get(marker(item));
    if (r?.status.state !== 'completed')
      problems.push(
        `${marker(item)} (${item.itemId} for ${item.requester}) is ${r?.status.state ?? 'missing'}, not completed`,
      );
  }
  problems.push(...checkEffects(world, plan));
  // Each request was carried out once: one completion each in the audit log.
  const completions = new Map<string, number>();
  for (const e of audit)
    if (e.event === 'execution.completed' && e.requestId)
      completions.set(e.requestId, (completions.get(e.requestId) ?? 0) + 1);
  for (const r of requests)
    if ((completions.get(r.id) ?? 0) !== 1)
      problems.push(`${r.ref} was completed ${completions.get(r.id) ?? 0} times in the audit log`);
  problems.push(...checkSlackPosts(world));
  return problems;
}

/** The providers' state, read from the simulators: memberships as each lane's last request left them, keys rotated once. */
function checkEffects(world: World, plan: readonly PlanItem[]): string[] {
  const problems: string[] = [];
  const last = new Map<string, PlanItem>();
  for (const item of plan) last.set(item.lane, item);
  const cfMember = (email: string) =>
    [...world.cloudflare.state.members.values()].find((m) => m.email === email)?.id ?? '';
  const scwUser = (email: string) => world.scaleway.state.users.find((u) => u.email === email)?.id ?? '';
  for (const p of Object.values(PEOPLE)) {
    const expect = (itemId: string, member: boolean) => {
      const item = last.get(`${itemId}:${p.name}`);
      if (!item) return;
      const should = !item.itemId.endsWith('-leave');
      if (member !== should)
        problems.push(
          `${p.name} is ${member ? '' : 'not '}in ${itemId}, but the last request of that lane was ${item.itemId}`,
        );
    };
    expect(
      'cf-prod-admins',
      world.cloudflare.state.groupMembers(world.ids.cloudflareGroup).includes(cfMember(p.email)),
    );
    expect(
      'scw-developers',
      world.scaleway.state.group(world.ids.scalewayGroup)?.userIds.includes(scwUser(p.email)) ?? false,
    );
    expect('osc-ops', world.outscale.state.membersOf('ops').includes(p.name));
    expect('jcs-devs', world.jcs.state.members('devs').includes(p.name));
    // Keys: a JCS rotation deletes the old key; an Outscale rotation leaves it inactive beside the new one.
    const jcsKeys = world.jcs.state.keysOf(p.name).length;
    if (jcsKeys !== 1)
      problems.push(`${p.name} has ${jcsKeys} JCS keys, not 1: a rotation was duplicated or left an orphan`);
    const osc = world.outscale.state.keysOf(p.name).map((k) => k.status);
    if (osc.filter((s) => s === 'Active').length !== 1 || osc.length !== 2)
      problems.push(`${p.name} has Outscale keys ${JSON.stringify(osc)}, not one inactive and one active`);
    if (world.jcs.state.mfaDeviceOf(p.name)) problems.push(`${p.name} still has a JCS MFA device`);
  }
  const appKeys = world.scaleway.state.keysOf(world.ids.scalewayApplication).length;
  if (appKeys !== 1) problems.push(`the Scaleway CI application has ${appKeys} API keys, not 1`);
  return problems;
}

/** Every Slack post once: each post carries its key in its metadata, and no key may be on two messages. */
function checkSlackPosts(world: World): string[] {
  const problems: string[] = [];
  const channels = [
    AUDIT_CHANNEL,
    ...Object.values(PEOPLE).map((p) => world.slack.workspace.dmChannel(p.id) ?? ''),
  ].filter(Boolean);
  const keys = new Map<string, number>();
  let posts = 0;
  for (const channel of channels) {
    for (const root of world.slack.workspace.messagesIn(channel)) {
      for (const message of world.slack.workspace.threadOf(channel, root.ts)) {
        posts++;
        const key = (message.metadata?.event_payload as { post_key?: unknown } | undefined)?.post_key;
        if (typeof key === 'string') keys.set(key, (keys.get(key) ?? 0) + 1);
      }
    }
  }
  if (posts === 0) problems.push('nothing was posted to Slack: the notices never went out');
  for (const [key, count] of keys) if (count > 1) problems.push(`the Slack post ${key} was made ${count} times`);
  return problems;
}

/** Every key secret and token value the providers hold now (what must never be in clear at rest). */
export function secretsOf(world: World): string[] {
  return [
    ...Object.values(PEOPLE).flatMap((p) => [
      ...world.jcs.state.keysOf(p.name).map((k) => k.secret),
      ...world.outscale.state.keysOf(p.name).map((k) => k.secret),
    ]),
    ...world.scaleway.state.keysOf(world.ids.scalewayApplication).map((k) => k.secretKey),
    ...[...world.cloudflare.state.tokens.values()].map((t) => t.value),
  ].filter((s) => s && s.length >= 8);
}

/** Which of `places` (name → text) holds one of `secrets` in clear: a problem each. */
export function secretsIn(places: ReadonlyMap<string, string>, secrets: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [name, text] of places)
    for (const secret of secrets) if (text.includes(secret)) problems.push(`a secret is in clear in ${name}`);
  return problems;
}

/** A wait that does not keep the process alive on its own. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A small seeded PRNG: the kill schedule of a run can be replayed from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
