import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, auditThread, click, dmWithButton, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

describe('Socket Mode', () => {
  it('runs the same group-access flow over the WebSocket', async () => {
    e = await startE2E({ mode: 'socket' });
    const submitted = await requestThroughModal(e, PEOPLE.alice.id, {
      kind: 'group.add',
      itemId: 'jcs-devs',
      reason: 'socket mode',
    });
    expect(submitted.outcome).toBe('updated');
    expect(submitted.shown).toContain('is submitted');
    await click(e, PEOPLE.bob.id, dmWithButton(e, PEOPLE.bob.id, 'iam_approve'), 'iam_approve');
    expect(e.world.jcs.state.members('devs')).toEqual(['alice']);
    expect(auditThread(e, 'REQ-0001').replies.join('\n')).toMatch(/Approved by <@U0BOB>/);
    expect(e.world.slack.calls.some((c) => c.method === 'apps.connections.open')).toBe(true);
  });
});
