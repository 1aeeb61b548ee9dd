/**
 * The main flows on a bad day (issue 10, Build 3), the bot built exactly as `iam-bot start` builds it
 * (Bolt's default retry policy and timeouts), in three conditions: Slack answering every Web API call 2 s
 * late; Slack rate limiting every other call of each method (429, Retry-After) with 500 ms on each; every
 * provider answering 2 s late. Every request Slack sends must be acknowledged before any slowed call made
 * since was answered — so the ack never waited on the network, shown without measuring wall-clock time —
 * no trigger_id is used late or twice, and nothing is lost.
 */
import { describe, expect, it } from 'vitest';
import type { NetworkConditions } from '../../src/simulators/slack/index.ts';
import { PEOPLE, click, dmWithButton, modalText, requestThroughModal, startE2E, type E2E } from './support.ts';

const { alice, bob, carol } = PEOPLE;
const LATENCY_MS = 2000;
// A flow waits on many slow calls in a row; this is how long one may take.
const FLOW_TIMEOUT_MS = 180_000;

interface Cell {
  name: string;
  slack: NetworkConditions;
  providersMs: number;
  /** The latency every slowed call has: an ack that waited on one came at least this late. */
  slowMs: number;
}

/**
 * views.open is spared the 429s: it spends a trigger_id that lives 3 s, so a rate-limited open can never
 * be retried in time (the person is told to try again, see ack-first.test.ts), and its Tier 4 budget
 * (~100 a minute, docs/slack.md) is far above what people opening forms use. The rate-limited cell adds
 * 500 ms to every call: an ack that waited on any of them would be later than 500 ms.
 */
const CELLS: Cell[] = [
  { name: 'Slack 2 s late on every call', slack: { latencyMs: LATENCY_MS }, providersMs: 0, slowMs: LATENCY_MS },
  {
    name: 'Slack rate limiting every other call (Retry-After: 1)',
    slack: { latencyMs: 500, rateLimitEvery: 2, retryAfterSeconds: 1, spare: ['views.open'] },
    providersMs: 0,
    slowMs: 500,
  },
  { name: 'every provider 2 s late', slack: {}, providersMs: LATENCY_MS, slowMs: LATENCY_MS },
];

/** Every call that left for Slack or a provider, with when it arrived and was answered. */
function networkCalls(e: E2E): { what: string; receivedMs: number; answeredMs: number }[] {
  const slack = e.world.slack.calls.map((c) => ({
    what: `slack ${c.method}`,
    receivedMs: c.receivedMs,
    answeredMs: c.answeredMs,
  }));
  const providers = (['cloudflare', 'scaleway', 'outscale', 'jcs'] as const).flatMap((name) =>
    e.world[name].server.requests.map((r) => ({
      what: `${name} ${r.method} ${r.path}`,
      receivedMs: r.receivedMs,
      answeredMs: r.answeredMs ?? Number.POSITIVE_INFINITY,
    })),
  );
  return [...slack, ...providers];
}

/**
 * Requests Slack sent whose ack came after a slowed call made since had been answered: such an ack
 * waited at least one call's latency. (Only slowed calls tell: a fast one may end while any ack is on its way.)
 */
function acksThatWaited(e: E2E, slowMs: number): string[] {
  const calls = networkCalls(e).filter((c) => c.answeredMs - c.receivedMs >= slowMs);
  return e.world.slack.deliveries.flatMap((d) => {
    if (d.ackedMs === undefined) return [`${d.type}: never acknowledged`];
    const acked = d.ackedMs;
    const waitedOn = calls.filter((c) => c.receivedMs > d.sentMs && c.answeredMs < acked);
    const at = (ms: number) => Math.round(ms - d.sentMs);
    return waitedOn.map(
      (c) =>
        `${d.type} acknowledged after ${at(acked)} ms waited on ${c.what} (received at ${at(c.receivedMs)} ms, answered at ${at(c.answeredMs)} ms)`,
    );
  });
}

const stateOf = async (e: E2E, ref: string) => (await e.bot.services.service.find(ref)).status.state;

/** The main flows, each through every listener it needs: /iam, the kind select, the catalog search, a submission, buttons, modals. */
const FLOWS: Record<string, { opens: number; run: (e: E2E) => Promise<void> }> = {
  'group access, approved': {
    opens: 1,
    async run(e) {
      const group = await requestThroughModal(e, alice.id, {
        kind: 'group.add',
        itemId: 'cf-prod-admins',
        duration: '2h',
        reason: 'incident 4242',
      });
      expect(group.outcome).toBe('updated');
      expect(group.shown).toContain('is submitted');
      await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
      expect(await stateOf(e, 'REQ-0001')).toBe('completed');
      expect(e.world.cloudflare.state.groupMembers(e.world.ids.cloudflareGroup)).toHaveLength(1);
      expect(
        e.world.slack.workspace
          .dmWith(alice.id)
          .map((m) => m.text ?? '')
          .join('\n'),
      ).toMatch(/Granted until/);
    },
  },
  'group access, denied in the reason modal': {
    opens: 2,
    async run(e) {
      await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'curious' });
      await click(e, bob.id, dmWithButton(e, bob.id, 'iam_deny'), 'iam_deny');
      const denied = await e.client.submitView({ user: bob.id, values: { reason: 'use the read-only group' } });
      expect(denied.outcome).toBe('updated');
      await e.bot.idle();
      expect(modalText(e, bob.id)).toContain('REQ-0001 is denied');
      expect(
        e.world.slack.workspace
          .dmWith(alice.id)
          .map((m) => m.text ?? '')
          .join('\n'),
      ).toMatch(/Denied by <@U0BOB>: use the read-only group/);
    },
  },
  'MFA reset, attested in its modal': {
    opens: 2,
    async run(e) {
      await requestThroughModal(e, alice.id, { kind: 'mfa.reset', itemId: 'jcs-mfa', reason: 'lost my phone' });
      await click(e, carol.id, dmWithButton(e, carol.id, 'iam_approve'), 'iam_approve');
      const attested = await e.client.submitView({ user: carol.id, values: { verified: ['verified'] } });
      expect(attested.outcome).toBe('updated');
      await e.bot.idle();
      expect(modalText(e, carol.id)).toBe('You approved REQ-0001.');
      expect(e.world.jcs.state.mfaDeviceOf(alice.name)).toBeUndefined();
    },
  },
  'key rotation revealed in a modal, then the Home tab': {
    opens: 2,
    async run(e) {
      await requestThroughModal(e, alice.id, {
        kind: 'key.rotate',
        itemId: 'osc-my-key',
        reason: 'quarterly rotation',
      });
      await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
      await click(e, alice.id, dmWithButton(e, alice.id, 'iam_reveal'), 'iam_reveal');
      expect(JSON.stringify(e.world.slack.workspace.openView(alice.id)?.view.blocks)).toMatch(/```[^`]+```/);
      await click(e, alice.id, dmWithButton(e, alice.id, 'iam_rotation_done'), 'iam_rotation_done');
      expect(await stateOf(e, 'REQ-0001')).toBe('completed');
      expect(
        e.world.outscale.state
          .keysOf(alice.name)
          .map((k) => k.status)
          .sort(),
      ).toEqual(['Active', 'Inactive']);
      await e.client.appHomeOpened({ user: bob.id });
      await e.bot.idle();
      expect(e.world.slack.workspace.views.home(bob.id)).toBeDefined();
    },
  },
};

const MATRIX = CELLS.flatMap((cell) =>
  Object.entries(FLOWS).map(([flow, { opens, run }]) => ({ cell, flow, opens, run })),
);

describe.concurrent(
  'the main flows with slow and rate-limiting Slack and slow providers, as iam-bot start builds the bot',
  () => {
    it.each(MATRIX)('$cell.name: $flow', { timeout: FLOW_TIMEOUT_MS }, async ({ cell, opens, run }) => {
      const e = await startE2E();
      try {
        e.world.slack.setConditions(cell.slack);
        for (const name of ['cloudflare', 'scaleway', 'outscale', 'jcs'] as const)
          e.world[name].server.setLatency(cell.providersMs);
        await run(e);

        expect(acksThatWaited(e, cell.slowMs)).toEqual([]);
        // Every trigger_id was exchanged in time and once.
        const views = e.world.slack.calls.filter((c) => c.method === 'views.open');
        expect(views.map((c) => c.error ?? 'ok')).toEqual(views.map(() => 'ok'));
        expect(views).toHaveLength(opens);
        // Nothing lost: every notice delivered.
        expect(await e.bot.services.store.pendingNotices()).toEqual([]);
      } finally {
        await e.close();
      }
    });
  },
);
