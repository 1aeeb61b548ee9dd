import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/workflow/ports.ts';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(() => h?.close());

const submit = () => h.service.submit({ requester: 'U_ALICE', itemId: 'cf-admins', reason: 'incident', duration: '1h' });

describe('notice delivery', () => {
  it('retries transient failures, honouring retry-after, and keeps the order', async () => {
    h = await createHarness();
    h.notifier.failures = [new DeliveryError('ratelimited', false, 1_000), new Error('socket hang up'), new DeliveryError('500', false)];
    const request = await submit();
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    expect(h.notifier.events(request.ref)).toEqual(['request.submitted', 'request.approved', 'execution.started', 'execution.completed']);
    expect(h.sleeps[0]).toBeGreaterThanOrEqual(1_000);
    expect(h.sleeps).toHaveLength(3);
    expect(h.store.pendingNotices()).toEqual([]);
  });

  it('drops only a notice that can never be delivered, and goes on', async () => {
    h = await createHarness();
    h.notifier.failures = [new DeliveryError('channel_not_found', true)];
    const request = await submit();
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    expect(h.notifier.events(request.ref)).toEqual(['request.approved', 'execution.started', 'execution.completed']);
  });

  it('delivers after a restart what was committed but not delivered', async () => {
    h = await createHarness();
    h.notifier.failures = Array.from({ length: 1_000 }, () => new Error('Slack is down'));
    h.stopDeliveriesAfter(3);
    const request = await submit();
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    expect(h.notifier.notices).toEqual([]);
    expect(h.store.pendingNotices().map((n) => n.event)).toEqual(['request.submitted', 'request.approved', 'execution.started', 'execution.completed']);
    h.notifier.failures = [];
    h = await h.restart();
    h.dispatcher.kick();
    await h.settle();
    expect(h.notifier.events(request.ref)).toEqual(['request.submitted', 'request.approved', 'execution.started', 'execution.completed']);
  });
});
