import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, auditThread, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, bob } = PEOPLE;

describe('Slack answering 429 and 5xx', () => {
  it('delays notifications but loses none, and audit replies keep their order', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'jcs-devs', reason: 'flaky slack' });
    e.world.slack.injectFault({ kind: 'ratelimited', retryAfterSeconds: 1 }, { count: 2, method: 'chat.postMessage' });
    e.world.slack.injectFault({ kind: 'status', status: 503 }, { count: 2, method: 'chat.update' });
    e.world.slack.injectFault({ kind: 'status', status: 500 }, { count: 1, method: 'conversations.open' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    expect(e.world.jcs.state.members('devs')).toEqual(['alice']);
    const failed = e.world.slack.calls.filter((c) => !c.ok).map((c) => c.error);
    expect(failed.filter((error) => error === 'ratelimited')).toHaveLength(2);
    const { replies } = auditThread(e, 'REQ-0001');
    const order = ['Submitted', 'Approved by', 'Calling jcs', 'added alice to devs'];
    expect(replies).toHaveLength(order.length);
    order.forEach((text, i) => expect(replies[i]).toContain(text));
    expect(
      e.world.slack.workspace
        .dmWith(alice.id)
        .map((m) => m.text)
        .join('\n'),
    ).toMatch(/Submitted[\s\S]*Approved[\s\S]*Done/);
    expect(await e.bot.services.store.pendingNotices()).toEqual([]);
  });
});
