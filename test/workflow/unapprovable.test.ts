/** A submission no one could approve is refused with the reason and changes nothing (issue 13 item 1). */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowFailure } from '../../src/domain/errors.ts';
import type { Policy } from '../../src/domain/policy.ts';
import { basePolicy, groupItem } from '../support/fixtures.ts';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
afterEach(() => h?.close());

const submit = (requester = 'U_ALICE') =>
  h.service.submit({ requester, itemId: 'cf-admins', reason: 'incident 42', duration: '1h' });

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a refusal').toBeInstanceOf(WorkflowFailure);
  return (error as WorkflowFailure).error;
}

/** Nothing was recorded: no request, no audit event, no notice. */
async function nothingChanged() {
  expect(await h.store.list()).toEqual([]);
  expect(h.audit.records).toEqual([]);
  expect(h.notifier.notices).toEqual([]);
}

const withLeads = (users: string[], stages = groupItem.stages): Policy => ({
  ...basePolicy,
  sets: { ...basePolicy.sets, leads: { name: 'leads', users, usergroups: ['S_LEADS'], manager: false } },
  catalog: [{ ...groupItem, stages }],
});

describe('a submission nobody could approve', () => {
  it('is refused when the requester is the only person in a stage, and uses no request number', async () => {
    h = await createHarness(withLeads(['U_ALICE']));
    const error = await refusal(submit());
    expect(error).toMatchObject({ code: 'not_allowed', reason: 'no_possible_approver', field: 'item' });
    expect(error.message).toBe(
      "Nobody could approve this request: stage 1 (leads) needs 1 approver other than you with an active Slack account, and has none. Ask your IAM admins to fix the policy's approvers.",
    );
    await nothingChanged();
    // Someone joins the group: the next request is the first one.
    h.directory.usergroups.set('S_LEADS', new Set(['U_BOB']));
    expect((await submit()).ref).toBe('REQ-0001');
  });

  it('leaves out deactivated or unknown approvers', async () => {
    h = await createHarness(withLeads(['U_BOB', 'U_CAROL'], [{ set: 'leads', quorum: 2 }]));
    h.directory.inactive.add('U_CAROL');
    expect((await refusal(submit())).message).toContain(
      'stage 1 (leads) needs 2 approvers other than you with an active Slack account, and has only 1.',
    );
    await nothingChanged();
  });

  it('is refused when a stage’s set resolves empty (no manager known for the requester)', async () => {
    h = await createHarness({ ...basePolicy, catalog: [{ ...groupItem, stages: [{ set: 'managers', quorum: 1 }] }] });
    h.directory.emails.set('U_DAVE', 'dave@example.com');
    h.provider.addUser('dave@example.com');
    expect((await refusal(submit('U_DAVE'))).message).toContain('stage 1 (managers) needs 1 approver other than you');
    await nothingChanged();
    expect((await submit('U_ALICE')).ref).toBe('REQ-0001');
  });

  it('counts separation of duties across stages', async () => {
    const stages = [
      { set: 'leads', quorum: 1 },
      { set: 'leads', quorum: 1 },
    ];
    h = await createHarness(withLeads(['U_ALICE', 'U_BOB'], stages));
    expect((await refusal(submit())).message).toContain(
      'everyone who could approve stage 2 (leads) is needed by an earlier stage, and one person approves at most one stage of a request',
    );
    await nothingChanged();
    // Bob asking leaves Alice for one stage only as well; Carol asking leaves both.
    h.directory.emails.set('U_CAROL', 'carol@example.com');
    h.provider.addUser('carol@example.com');
    expect((await submit('U_CAROL')).ref).toBe('REQ-0001');
  });
});

describe('asking whether approvers are active', () => {
  it('stops once a stage has as many active people as the request needs', async () => {
    h = await createHarness(withLeads([]));
    const members = Array.from({ length: 50 }, (_, i) => `U_LEAD${String(i).padStart(2, '0')}`);
    h.directory.usergroups.set('S_LEADS', new Set(members));
    const asked: string[] = [];
    const isActive = h.directory.isActive.bind(h.directory);
    h.directory.isActive = async (user: string) => {
      asked.push(user);
      return isActive(user);
    };
    h.directory.inactive.add('U_LEAD00');
    expect((await submit()).ref).toBe('REQ-0001');
    expect(asked).toEqual(['U_LEAD00', 'U_LEAD01']);
  });
});
