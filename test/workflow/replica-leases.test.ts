/**
 * Leases between replicas sharing a store: a live holder keeps its lease however long its work takes (it
 * renews it), and one that dies (no more renewals) lets another replica take over within seconds. A holder
 * that died while delivering the outbox used to stop every replica's Slack notices for two minutes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
});

const submit = () =>
  h.service.submit({ requester: 'U_ALICE', itemId: 'cf-admins', reason: 'incident', duration: '1h' });

/** Time passes on the bot's clock; a live process's timers (its renewals) fire meanwhile, a dead one's do not. */
function pass(ms: number, holder: 'alive' | 'dead'): void {
  for (let passed = 0; passed < ms; passed += 1_000) {
    h.clock.advance(1_000);
    if (holder === 'alive') vi.advanceTimersByTime(1_000);
  }
}

/** Whether another replica could take the lease now. */
const another = (name: string) => h.store.leases.claim(name, 'another-replica', h.clock.now(), 15_000);

describe('leases between replicas', () => {
  it('the outbox: a holder keeps it through a delivery of any length, and one that died lets another replica deliver after 15 s', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    h = await createHarness();
    let finish!: () => void;
    const slow = new Promise<void>((resolve) => (finish = resolve));
    let started!: () => void;
    const delivering = new Promise<void>((resolve) => (started = resolve));
    const deliver = h.notifier.deliver.bind(h.notifier);
    h.notifier.deliver = async (notice) => {
      started();
      await slow;
      return deliver(notice);
    };
    await submit();
    await delivering;
    pass(300_000, 'alive');
    expect(await another('outbox')).toBe(false);
    pass(15_000, 'dead');
    expect(await another('outbox')).toBe(true);
    // The test's own end: the outbox back to this process, which delivers the rest.
    await h.store.leases.release('outbox', 'another-replica');
    finish();
    await h.settle();
    expect(h.notifier.events('REQ-0001')).toEqual(['request.submitted']);
  });

  it("a request's provider step: a holder keeps it through a call of any length, and one that died lets another replica resume it after 15 s", async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    h = await createHarness();
    let answer!: () => void;
    h.provider.gate = new Promise<void>((resolve) => (answer = resolve));
    const request = await submit();
    await h.service.approve('U_BOB', request.ref);
    await vi.waitFor(() => expect(h.provider.calls.length).toBeGreaterThan(0), { interval: 10 });
    pass(300_000, 'alive');
    expect(await another(`request:${request.id}`)).toBe(false);
    pass(15_000, 'dead');
    expect(await another(`request:${request.id}`)).toBe(true);
    await h.store.leases.release(`request:${request.id}`, 'another-replica');
    answer();
    await h.settle();
    expect((await h.store.get(request.id))?.status.state).toBe('completed');
  });
});
