/**
 * Leases between replicas sharing a store: a live holder keeps its lease however long its work takes (it
 * renews it), and one that dies (no more renewals) lets another replica take over within seconds. A holder
 * that died while delivering the outbox used to stop every replica's Slack notices for two minutes.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRequestNotice, type Notice } from '../../src/domain/notice.ts';
import { createLogger } from '../../src/log.ts';
import { Dispatcher } from '../../src/workflow/dispatcher.ts';
import { RecordingNotifier } from '../support/doubles.ts';
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

/**
 * The notifier's delivery of the first notice `which` matches hangs (Slack slow to answer, say) until `finish()`;
 * `delivering` resolves once it has started.
 */
function hangDelivery(which: (notice: Notice) => boolean = () => true): {
  delivering: Promise<void>;
  finish: () => void;
} {
  let finish!: () => void;
  const slow = new Promise<void>((resolve) => (finish = resolve));
  let started!: () => void;
  const delivering = new Promise<void>((resolve) => (started = resolve));
  const deliver = h.notifier.deliver.bind(h.notifier);
  let hung = false;
  h.notifier.deliver = async (notice) => {
    if (!hung && which(notice)) {
      hung = true;
      started();
      await slow;
    }
    return deliver(notice);
  };
  return { delivering, finish };
}

describe('leases between replicas', () => {
  it('the outbox: a holder keeps it through a delivery of any length, and one that died lets another replica deliver after 15 s', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    h = await createHarness();
    const { delivering, finish } = hangDelivery();
    const request = await submit();
    await delivering;
    pass(300_000, 'alive');
    expect(await another(`outbox:${request.id}`)).toBe(false);
    pass(15_000, 'dead');
    expect(await another(`outbox:${request.id}`)).toBe(true);
    // The test's own end: the outbox back to this process, which delivers the rest.
    await h.store.leases.release(`outbox:${request.id}`, 'another-replica');
    finish();
    await h.settle();
    expect(h.notifier.events('REQ-0001')).toEqual(['request.submitted']);
  });

  it("the outbox: a holder that could not renew its lease for a whole term delivers no more of the subject's notices, which another replica took over", async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    h = await createHarness();
    const { delivering, finish } = hangDelivery();
    const request = await submit();
    await delivering;
    await h.service.approve('U_BOB', request.ref);
    await h.executor.settle();
    // The store stops answering this process's renewals of the outbox lease (a network partition, a long pause)
    // while it delivers.
    const { leases } = h.store;
    const { renew } = leases;
    leases.renew = (name, ...rest) =>
      name.startsWith('outbox:')
        ? Promise.reject(new Error('connection terminated'))
        : renew.call(leases, name, ...rest);
    pass(20_000, 'alive');
    expect(await another(`outbox:${request.id}`)).toBe(true);
    finish();
    await h.settle();
    // The next notices are the new holder's: this process leaves them in the outbox.
    expect(h.notifier.events('REQ-0001')).toEqual(['request.submitted']);
    expect((await h.store.pendingNotices()).map((n) => n.event)).toEqual([
      'request.approved',
      'execution.started',
      'execution.completed',
    ]);
    // The test's own end: the other replica goes away, and this process delivers the rest in order.
    h.store.leases.renew = renew;
    await h.store.leases.release(`outbox:${request.id}`, 'another-replica');
    h.dispatcher.kick();
    await h.settle();
    expect(h.notifier.events('REQ-0001')).toEqual([
      'request.submitted',
      'request.approved',
      'execution.started',
      'execution.completed',
    ]);
  });

  it("the outbox is leased per request: while one replica is held up delivering a request's notice, another replica delivers other requests' notices", async () => {
    h = await createHarness();
    // This process's delivery of REQ-0001's first notice hangs.
    const { delivering, finish } = hangDelivery(
      (notice) => isRequestNotice(notice) && notice.request.ref === 'REQ-0001',
    );
    await submit();
    await delivering;
    const second = await submit();
    await h.service.approve('U_BOB', second.ref);
    // Another replica sharing the store, with its own Slack.
    const elsewhere = new RecordingNotifier();
    const replica = new Dispatcher(h.store, elsewhere, createLogger({ level: 'silent' }), {
      clock: h.clock,
      newId: randomUUID,
      admins: async () => [],
      flushAudit: async () => undefined,
    });
    try {
      await vi.waitFor(
        async () => {
          replica.kick();
          await replica.settle();
          expect(elsewhere.events('REQ-0002')).toContain('execution.completed');
        },
        { interval: 20 },
      );
      // REQ-0002's notices, in order; none of REQ-0001's, which this process is still delivering.
      expect(elsewhere.events()).toEqual([
        'request.submitted',
        'request.approved',
        'execution.started',
        'execution.completed',
      ]);
    } finally {
      await replica.stop();
    }
    finish();
    await h.settle();
    expect(h.notifier.events('REQ-0001')).toEqual(['request.submitted']);
    expect(h.notifier.events('REQ-0002')).toEqual([]);
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

  /**
   * The request is approved, and the executor's write that starts its step hangs while the store stops answering
   * this process's renewals for 20 s (a partition, a long pause); `takenOver`: another replica then takes the
   * request's lease. Then the write goes through.
   */
  async function stepOutlivesItsLease(takenOver: boolean) {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    h = await createHarness();
    const request = await submit();
    let resume!: () => void;
    const hung = new Promise<void>((resolve) => (resume = resolve));
    let writing!: () => void;
    const started = new Promise<void>((resolve) => (writing = resolve));
    const commit = h.store.commit.bind(h.store);
    h.store.commit = async (change) => {
      if (change.request.status.state === 'executing' && change.expectedVersion !== null) {
        writing();
        await hung;
      }
      return commit(change);
    };
    await h.service.approve('U_BOB', request.ref);
    await started;
    const { leases } = h.store;
    const { renew } = leases;
    leases.renew = () => Promise.reject(new Error('connection terminated'));
    pass(20_000, 'alive');
    if (takenOver) expect(await another(`request:${request.id}`)).toBe(true);
    leases.renew = renew;
    h.store.commit = commit;
    resume();
    await h.settle();
    return request;
  }

  it("a request's provider step: a holder that could not renew its lease for a whole term does not call the provider; the replica that took the request over does, once", async () => {
    const request = await stepOutlivesItsLease(true);
    expect(h.provider.calls).toEqual([]);
    expect((await h.store.get(request.id))?.status.state).toBe('executing');
    // The other replica goes away before doing it; this process, recovering, carries the step out once.
    await h.store.leases.release(`request:${request.id}`, 'another-replica');
    h.executor.recover();
    await h.settle();
    expect((await h.store.get(request.id))?.status.state).toBe('completed');
    expect(h.provider.calls.filter((c) => c === 'addMember')).toHaveLength(1);
  });

  it("a request's provider step: when nobody took the lapsed lease over (one process, paused), the holder claims it again and carries the step out at once", async () => {
    const request = await stepOutlivesItsLease(false);
    expect((await h.store.get(request.id))?.status.state).toBe('completed');
    expect(h.provider.calls.filter((c) => c === 'addMember')).toHaveLength(1);
  });
});
