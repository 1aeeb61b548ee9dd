import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/workflow/ports.ts';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(() => h?.close());

const submit = () =>
  h.service.submit({ requester: 'U_ALICE', itemId: 'cf-admins', reason: 'incident', duration: '1h' });

describe('notice delivery', () => {
  it('retries transient failures, honouring retry-after, and keeps the order', async () => {
    h = await createHarness();
    h.notifier.failures = [
      new DeliveryError('ratelimited', false, 1_000),
      new Error('socket hang up'),
      new DeliveryError('500', false),
    ];
    const request = await submit();
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    expect(h.notifier.events(request.ref)).toEqual([
      'request.submitted',
      'request.approved',
      'execution.started',
      'execution.completed',
    ]);
    expect(h.sleeps[0]).toBeGreaterThanOrEqual(1_000);
    expect(h.sleeps).toHaveLength(3);
    expect(await h.store.pendingNotices()).toEqual([]);
  });

  it('drops only a notice that can never be delivered, audits the drop, and goes on', async () => {
    h = await createHarness();
    h.notifier.failures = [new DeliveryError('channel_not_found', true)];
    const request = await submit();
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    expect(h.notifier.events(request.ref)).toEqual(['request.approved', 'execution.started', 'execution.completed']);
    expect(
      h.audit.records
        .filter((r) => r.event === 'notice.dropped')
        .map((r) => [r.requestRef, r.details.event, r.details.error]),
    ).toEqual([[request.ref, 'request.submitted', 'channel_not_found']]);
  });

  it('delivers after a restart what was committed but not delivered', async () => {
    h = await createHarness();
    h.notifier.failures = Array.from({ length: 1_000 }, () => new Error('Slack is down'));
    h.stopDeliveriesAfter(3);
    const request = await submit();
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    expect(h.notifier.notices).toEqual([]);
    expect((await h.store.pendingNotices()).map((n) => n.event)).toEqual([
      'request.submitted',
      'request.approved',
      'execution.started',
      'execution.completed',
    ]);
    h.notifier.failures = [];
    h = await h.restart();
    h.dispatcher.kick();
    await h.settle();
    expect(h.notifier.events(request.ref)).toEqual([
      'request.submitted',
      'request.approved',
      'execution.started',
      'execution.completed',
    ]);
  });

  it('audits the parts nobody received and tells the admins once per recipient and error', async () => {
    h = await createHarness();
    const miss = { part: 'audit-reply', to: { channel: 'C0AUDIT' }, code: 'not_in_channel' };
    h.notifier.undelivered = (notice) =>
      notice.event === 'request.submitted' || notice.event === 'request.approved' ? [miss] : [];
    const request = await submit();
    await h.service.approve('U_BOB', request.ref);
    await h.settle();
    const audited = h.audit.records.filter((r) => r.event === 'notice.undelivered');
    expect(audited.map((r) => [r.requestRef, r.details.event])).toEqual([
      [request.ref, 'request.submitted'],
      [request.ref, 'request.approved'],
    ]);
    expect(audited[0]?.details.undelivered).toEqual([miss]);
    expect(h.notifier.reports).toHaveLength(1);
    expect(h.notifier.reports[0]).toMatchObject({
      admins: ['U_ADMIN'],
      undelivered: [miss],
      about: { requestRef: request.ref, event: 'request.submitted' },
    });
    expect(await h.store.pendingNotices()).toEqual([]);
  });

  it('a report the admins cannot receive either is kept in the audit log, not reported again', async () => {
    h = await createHarness();
    h.notifier.undelivered = (notice) =>
      notice.event === 'request.submitted'
        ? [{ part: 'requester', to: { user: 'U_ALICE' }, code: 'user_disabled' }]
        : notice.event === 'notice.undelivered'
          ? [{ part: 'admin:U_ADMIN', to: { user: 'U_ADMIN' }, code: 'user_disabled' }]
          : [];
    await submit();
    await h.settle();
    expect(h.audit.records.filter((r) => r.event === 'notice.undelivered').map((r) => r.details.event)).toEqual([
      'request.submitted',
      'notice.undelivered',
    ]);
    expect(h.notifier.reports).toHaveLength(1);
    expect(await h.store.pendingNotices()).toEqual([]);
  });
});
