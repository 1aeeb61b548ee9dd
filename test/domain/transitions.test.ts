import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_SETTINGS } from '../../src/domain/policy.ts';
import { STATES, isClosed, type Request, type State, type Status } from '../../src/domain/request.ts';
import { submitBreakGlass, transition, type EventType, type RequestEvent } from '../../src/domain/transitions.ts';
import { T0, groupItem, makeRequest } from '../support/fixtures.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const NOW = T0 + 10 * 86_400_000; // past every TTL and grant end below

const statusIn: Record<State, Status> = {
  pending: { state: 'pending', stage: 0, expiresAt: NOW + 1 },
  approved: { state: 'approved', at: T0 },
  executing: { state: 'executing', at: T0, attempt: 1 },
  completed: { state: 'completed', at: T0, outcome: { summary: 'added' }, grantExpiresAt: NOW - 1 },
  revoking: { state: 'revoking', at: T0, trigger: 'expired', attempt: 1 },
  revoked: { state: 'revoked', at: T0, outcome: { summary: 'removed' } },
  failed: { state: 'failed', at: T0, step: 'execute', error: { kind: 'unavailable', message: 'down' } },
  denied: { state: 'denied', at: T0, by: 'U_BOB', reason: 'no' },
  cancelled: { state: 'cancelled', at: T0, by: 'U_ALICE' },
  expired: { state: 'expired', at: T0 },
};

const events: Record<EventType, RequestEvent> = {
  approve: { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 },
  autoApprove: { type: 'autoApprove', rule: 'on-call' },
  deny: { type: 'deny', actor: 'U_BOB', eligible: true, reason: 'not needed' },
  cancel: { type: 'cancel', actor: 'U_ALICE', isAdmin: false },
  expire: { type: 'expire' },
  start: { type: 'start' },
  succeed: { type: 'succeed', outcome: { summary: 'done', providerRequestId: 'r-1' } },
  fail: { type: 'fail', error: { kind: 'forbidden', message: 'no' } },
  retry: { type: 'retry', actor: 'U_ADMIN', isAdmin: true },
  revoke: { type: 'revoke', trigger: 'expired' },
  progress: { type: 'progress', rotation: { step: 'create', oldKeyIds: [] } },
  reveal: { type: 'reveal', actor: 'U_ALICE', confirmBy: NOW + 86_400_000 },
  confirm: { type: 'confirm', actor: 'U_ALICE' },
  abandon: { type: 'abandon', reason: 'expired' },
  confirmDeadline: { type: 'confirmDeadline' },
  observe: { type: 'observe', memberBefore: false },
  warn: { type: 'warn' },
  remind: { type: 'remind' },
  escalate: { type: 'escalate', set: 'admins' },
  revokeFailed: {
    type: 'revokeFailed',
    error: { kind: 'unavailable', message: 'down' },
    retryAt: NOW + 60_000,
    escalate: false,
  },
  release: { type: 'release', actor: 'U_ALICE', isAdmin: false },
  extend: { type: 'extend', by: 'ext-1', until: NOW + 3_600_000 },
  review: { type: 'review', actor: 'U_BOB', eligible: true, verdict: 'confirm' },
  remindReview: { type: 'remindReview' },
  escalateReview: { type: 'escalateReview' },
};

// The lifecycle events apply in one state each (where they lead is in `lifecycleIn`); elsewhere they are refused.
const lifecycleRefused = {
  autoApprove: '!invalid_state',
  // Reviews belong to break-glass requests only (their own tests below).
  review: '!invalid_state',
  remindReview: '!invalid_state',
  escalateReview: '!invalid_state',
  observe: '!invalid_state',
  warn: '!invalid_state',
  remind: '!invalid_state',
  escalate: '!invalid_state',
  revokeFailed: '!invalid_state',
  release: '!invalid_state',
  extend: '!invalid_state',
} as const;
const lifecycleIn: Partial<Record<State, Partial<Record<EventType, State>>>> = {
  pending: { autoApprove: 'approved', remind: 'pending', escalate: 'pending' },
  completed: { warn: 'completed', release: 'revoking', extend: 'completed' },
  revoking: { revokeFailed: 'revoking' },
  executing: { observe: 'executing' },
};

// Key rotation events never apply to a group request, whatever its state; rotation has its own tests.
const rotationOnly = {
  progress: '!invalid_state',
  reveal: '!invalid_state',
  confirm: '!invalid_state',
  abandon: '!invalid_state',
  confirmDeadline: '!invalid_state',
  ...lifecycleRefused,
} as const;

// state → event → the state it leads to, or the error code of the refusal.
const table: Record<State, Record<EventType, State | `!${string}`>> = {
  pending: {
    approve: 'approved',
    deny: 'denied',
    cancel: 'cancelled',
    expire: '!invalid_state',
    start: '!invalid_state',
    succeed: '!invalid_state',
    fail: '!invalid_state',
    retry: '!invalid_state',
    revoke: '!invalid_state',
    ...rotationOnly,
  },
  approved: {
    approve: '!already_decided',
    deny: '!already_decided',
    cancel: '!already_decided',
    expire: '!invalid_state',
    start: 'executing',
    succeed: '!invalid_state',
    fail: '!invalid_state',
    retry: '!invalid_state',
    revoke: '!invalid_state',
    ...rotationOnly,
  },
  executing: {
    approve: '!already_decided',
    deny: '!already_decided',
    cancel: '!already_decided',
    expire: '!invalid_state',
    start: 'executing',
    succeed: 'completed',
    fail: 'failed',
    retry: '!invalid_state',
    revoke: '!invalid_state',
    ...rotationOnly,
  },
  completed: {
    approve: '!already_decided',
    deny: '!already_decided',
    cancel: '!already_decided',
    expire: '!invalid_state',
    start: '!invalid_state',
    succeed: '!invalid_state',
    fail: '!invalid_state',
    retry: '!invalid_state',
    revoke: 'revoking',
    ...rotationOnly,
  },
  revoking: {
    approve: '!already_decided',
    deny: '!already_decided',
    cancel: '!already_decided',
    expire: '!invalid_state',
    start: '!invalid_state',
    succeed: 'revoked',
    fail: 'failed',
    retry: '!invalid_state',
    revoke: '!invalid_state',
    ...rotationOnly,
  },
  revoked: {
    approve: '!already_decided',
    deny: '!already_decided',
    cancel: '!already_decided',
    expire: '!invalid_state',
    start: '!invalid_state',
    succeed: '!invalid_state',
    fail: '!invalid_state',
    retry: '!invalid_state',
    revoke: '!invalid_state',
    ...rotationOnly,
  },
  failed: {
    approve: '!already_decided',
    deny: '!already_decided',
    cancel: '!already_decided',
    expire: '!invalid_state',
    start: '!invalid_state',
    succeed: '!invalid_state',
    fail: '!invalid_state',
    retry: 'approved',
    revoke: '!invalid_state',
    ...rotationOnly,
  },
  denied: {
    approve: '!already_decided',
    deny: '!already_decided',
    cancel: '!already_decided',
    expire: '!invalid_state',
    start: '!invalid_state',
    succeed: '!invalid_state',
    fail: '!invalid_state',
    retry: '!invalid_state',
    revoke: '!invalid_state',
    ...rotationOnly,
  },
  cancelled: {
    approve: '!already_decided',
    deny: '!already_decided',
    cancel: '!already_decided',
    expire: '!invalid_state',
    start: '!invalid_state',
    succeed: '!invalid_state',
    fail: '!invalid_state',
    retry: '!invalid_state',
    revoke: '!invalid_state',
    ...rotationOnly,
  },
  expired: {
    approve: '!already_decided',
    deny: '!already_decided',
    cancel: '!already_decided',
    expire: '!invalid_state',
    start: '!invalid_state',
    succeed: '!invalid_state',
    fail: '!invalid_state',
    retry: '!invalid_state',
    revoke: '!invalid_state',
    ...rotationOnly,
  },
};

function inState(state: State): Request {
  return { ...makeRequest(1), status: statusIn[state] };
}

describe('transition: every state × event', () => {
  for (const state of STATES) {
    for (const [type, expected] of Object.entries({ ...table[state], ...lifecycleIn[state] }) as [
      EventType,
      string,
    ][]) {
      it(`${state} + ${type} → ${expected}`, () => {
        const before = inState(state);
        const result = transition(before, events[type], NOW);
        if (expected.startsWith('!')) {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.code).toBe(expected.slice(1));
        } else {
          expect(result.ok).toBe(true);
          if (result.ok) {
            expect(result.value.status.state).toBe(expected);
            expect(result.value.version).toBe(before.version + 1);
            expect(result.value.updatedAt).toBe(NOW);
          }
        }
      });
    }
  }
});

describe('transition rules', () => {
  const pending = makeRequest(1);
  const twoOfTwo = { ...pending, stages: [{ set: 'leads', quorum: 2 }] };

  it('refuses self-approval and self-denial', () => {
    for (const event of [
      { type: 'approve', actor: 'U_ALICE', eligible: true, stage: 0 },
      { type: 'deny', actor: 'U_ALICE', eligible: true, reason: 'x' },
    ] as RequestEvent[]) {
      const result = transition(pending, event, T0);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.reason).toBe('self_approval');
    }
  });

  it('refuses an approver outside the stage', () => {
    const result = transition(pending, { type: 'approve', actor: 'U_EVE', eligible: false, stage: 0 }, T0);
    expect(!result.ok && result.error.reason).toBe('not_an_approver');
  });

  it('with quorum 2, the same approver twice stays pending; a second approver completes it', () => {
    const once = transition(twoOfTwo, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 }, T0);
    expect(once.ok && once.value.status.state).toBe('pending');
    if (!once.ok) return;
    const twice = transition(once.value, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 }, T0);
    expect(!twice.ok && twice.error.reason).toBe('already_approved');
    const other = transition(once.value, { type: 'approve', actor: 'U_CAROL', eligible: true, stage: 0 }, T0);
    expect(other.ok && other.value.status.state).toBe('approved');
    expect(other.ok && other.value.approvals.map((a) => a.by)).toEqual(['U_BOB', 'U_CAROL']);
  });

  describe('stages: one click counts for one stage, one person approves at most one stage', () => {
    const staged: Request = {
      ...pending,
      stages: [
        { set: 'managers', quorum: 1 },
        { set: 'leads', quorum: 1 },
      ],
    };
    const passedStage1 = (request: Request = staged) => {
      const first = transition(request, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 }, T0);
      if (!first.ok) throw new Error(first.error.message);
      return first.value;
    };

    it('a second click shown for stage 1 counts for nothing once stage 1 passed', () => {
      const atStage2 = passedStage1();
      expect(atStage2.status).toMatchObject({ state: 'pending', stage: 1 });
      const again = transition(atStage2, { type: 'approve', actor: 'U_CAROL', eligible: true, stage: 0 }, T0);
      expect(!again.ok && again.error).toMatchObject({
        code: 'invalid_state',
        message: 'Stage 1 of REQ-0001 has already passed; this click counted for nothing.',
      });
    });

    it('a click for a stage not yet reached counts for nothing', () => {
      const early = transition(staged, { type: 'approve', actor: 'U_CAROL', eligible: true, stage: 1 }, T0);
      expect(!early.ok && early.error.code).toBe('invalid_state');
    });

    it('by default the approver of stage 1 cannot approve stage 2, even when in both sets', () => {
      const result = transition(passedStage1(), { type: 'approve', actor: 'U_BOB', eligible: true, stage: 1 }, T0);
      expect(!result.ok && result.error.reason).toBe('approved_earlier_stage');
      const other = transition(passedStage1(), { type: 'approve', actor: 'U_CAROL', eligible: true, stage: 1 }, T0);
      expect(other.ok && other.value.status.state).toBe('approved');
    });

    it('an item with sameApproverAcrossStages lets one person approve each stage, one click each', () => {
      const optedOut = passedStage1({ ...staged, sameApproverAcrossStages: true });
      const second = transition(optedOut, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 1 }, T0);
      expect(second.ok && second.value.status.state).toBe('approved');
    });
  });

  describe('auto-approval: a rule passes the first stage only', () => {
    const staged: Request = {
      ...pending,
      stages: [
        { set: 'managers', quorum: 1 },
        { set: 'leads', quorum: 2 },
      ],
    };

    it('passes stage 1 whatever its quorum, recorded as the rule, and leaves stage 2 to people', () => {
      const ruled = transition(staged, { type: 'autoApprove', rule: 'on-call' }, T0 + 5);
      if (!ruled.ok) throw new Error(ruled.error.message);
      expect(ruled.value.status).toMatchObject({ state: 'pending', stage: 1, stageSince: T0 + 5 });
      expect(ruled.value.approvals).toEqual([{ stage: 0, by: 'system', at: T0 + 5, rule: 'on-call' }]);
      // Never a later stage: a rule cannot pass stage 2, even when asked twice.
      const again = transition(ruled.value, { type: 'autoApprove', rule: 'on-call' }, T0 + 6);
      expect(!again.ok && again.error.code).toBe('invalid_state');
    });

    it('never after a person approved part of the first stage', () => {
      const twoOfTwo = { ...staged, stages: [{ set: 'leads', quorum: 2 }] };
      const once = transition(twoOfTwo, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 }, T0);
      if (!once.ok) throw new Error(once.error.message);
      expect(transition(once.value, { type: 'autoApprove', rule: 'on-call' }, T0).ok).toBe(false);
    });
  });

  describe('break-glass: approved at once, reviewed after by someone else', () => {
    const item = {
      ...groupItem,
      breakGlass: { maxDurationMs: HOUR, reviewers: 'security', reviewWithinMs: DAY, limit: { uses: 1, perMs: DAY } },
    };
    const input = {
      id: 'bg-1',
      number: 7,
      item,
      requester: 'U_ALICE',
      requesterAllowed: true,
      reason: 'prod down',
      now: T0,
      settings: DEFAULT_REQUEST_SETTINGS,
    };
    const emergency = () => {
      const made = submitBreakGlass(input);
      if (!made.ok) throw new Error(made.error.message);
      return made.value;
    };

    it('is approved as submitted, with the break-glass maximum as its duration and a review deadline', () => {
      expect(emergency()).toMatchObject({
        status: { state: 'approved', at: T0 },
        operation: { kind: 'group.add', durationMs: HOUR },
        approvals: [],
        breakGlass: { reviewers: 'security', reviewBy: T0 + DAY, review: { state: 'awaiting' } },
      });
      expect(isClosed({ ...emergency(), status: { state: 'revoked', at: T0, outcome: { summary: 'x' } } })).toBe(false);
    });

    it('needs a reason, a duration within its cap, and an item that allows it', () => {
      const refused = (changes: object) => {
        const result = submitBreakGlass({ ...input, ...changes });
        return !result.ok && result.error;
      };
      expect(refused({ reason: ' ' })).toMatchObject({ code: 'invalid_input', field: 'reason' });
      expect(refused({ durationMs: 2 * HOUR })).toMatchObject({ code: 'invalid_input', field: 'duration' });
      expect(refused({ item: groupItem })).toMatchObject({ reason: 'no_break_glass' });
    });

    it('is reviewed once, never by the requester nor outside the reviewers; a flag needs a reason', () => {
      const request = emergency();
      const by = (actor: string, eligible = true) =>
        transition(request, { type: 'review', actor, eligible, verdict: 'confirm' }, T0 + 5);
      expect(!by('U_ALICE').ok && (by('U_ALICE') as { error: { reason: string } }).error.reason).toBe('self_review');
      const outsider = by('U_EVE', false);
      expect(!outsider.ok && outsider.error.reason).toBe('not_a_reviewer');
      const confirmed = by('U_BOB');
      expect(confirmed.ok && confirmed.value.breakGlass?.review).toEqual({
        state: 'confirmed',
        by: 'U_BOB',
        at: T0 + 5,
      });
      if (!confirmed.ok) return;
      expect(confirmed.value.status).toEqual(request.status);
      const again = transition(
        confirmed.value,
        { type: 'review', actor: 'U_CAROL', eligible: true, verdict: 'confirm' },
        T0,
      );
      expect(!again.ok && again.error.code).toBe('already_decided');
      const blank = transition(
        request,
        { type: 'review', actor: 'U_BOB', eligible: true, verdict: 'flag', reason: '' },
        T0,
      );
      expect(!blank.ok && blank.error.field).toBe('reason');
    });

    it('escalates an unreviewed use only at its deadline, once', () => {
      const request = emergency();
      expect(transition(request, { type: 'escalateReview' }, T0 + DAY - 1).ok).toBe(false);
      const escalated = transition(request, { type: 'escalateReview' }, T0 + DAY);
      expect(escalated.ok && escalated.value.breakGlass?.review).toEqual({ state: 'awaiting', escalatedAt: T0 + DAY });
      if (escalated.ok) expect(transition(escalated.value, { type: 'escalateReview' }, T0 + DAY + 1).ok).toBe(false);
    });
  });

  it('refuses a denial without a reason', () => {
    const result = transition(pending, { type: 'deny', actor: 'U_BOB', eligible: true, reason: '   ' }, T0);
    expect(!result.ok && result.error.code).toBe('invalid_input');
  });

  it('lets only the requester or an admin cancel', () => {
    expect(transition(pending, { type: 'cancel', actor: 'U_BOB', isAdmin: false }, T0).ok).toBe(false);
    expect(transition(pending, { type: 'cancel', actor: 'U_BOB', isAdmin: true }, T0).ok).toBe(true);
  });

  it('expires a pending request only once its TTL has passed', () => {
    if (pending.status.state !== 'pending') throw new Error('fixture');
    const { expiresAt } = pending.status;
    expect(transition(pending, { type: 'expire' }, expiresAt - 1).ok).toBe(false);
    expect(transition(pending, { type: 'expire' }, expiresAt).ok).toBe(true);
  });

  it('starts a timed grant clock when the grant completes, and revokes only when it ends', () => {
    const executing = { ...pending, status: { state: 'executing', at: T0, attempt: 1 } as Status };
    const done = transition(executing, { type: 'succeed', outcome: { summary: 'added' } }, T0 + 5_000);
    expect(done.ok && done.value.status).toMatchObject({ state: 'completed', grantExpiresAt: T0 + 5_000 + 3_600_000 });
    if (!done.ok) return;
    expect(transition(done.value, { type: 'revoke', trigger: 'expired' }, T0 + 3_600_000).ok).toBe(false);
    expect(transition(done.value, { type: 'revoke', trigger: 'expired' }, T0 + 5_000 + 3_600_000).ok).toBe(true);
  });

  it('lets only an admin retry, and a failed revoke retries the revoke', () => {
    const failedRevoke = {
      ...pending,
      status: { state: 'failed', at: T0, step: 'revoke', error: { kind: 'unavailable', message: 'x' } } as Status,
    };
    expect(transition(failedRevoke, { type: 'retry', actor: 'U_BOB', isAdmin: false }, T0).ok).toBe(false);
    const retried = transition(failedRevoke, { type: 'retry', actor: 'U_ADMIN', isAdmin: true }, T0);
    expect(retried.ok && retried.value.status.state).toBe('revoking');
  });

  it('leaves the request untouched when it refuses', () => {
    const copy = structuredClone(pending);
    transition(pending, { type: 'approve', actor: 'U_ALICE', eligible: true, stage: 0 }, T0);
    expect(pending).toEqual(copy);
  });
});

describe('key rotation steps', () => {
  const keyItem = { ...makeRequest(1), operation: { kind: 'key.rotate' } as const };
  const executing = (rotation?: Extract<Status, { state: 'executing' }>['rotation']): Request => ({
    ...keyItem,
    status: rotation
      ? { state: 'executing', at: T0, attempt: 1, rotation }
      : { state: 'executing', at: T0, attempt: 1 },
  });
  const reveal = { step: 'reveal', oldKeyIds: ['k0'], newKeyId: 'k1', revealBy: T0 + 1_000 } as const;
  const step = (result: ReturnType<typeof transition>) =>
    result.ok && result.value.status.state === 'executing' ? result.value.status.rotation?.step : undefined;

  it('records progress only on an executing key rotation', () => {
    expect(step(transition(executing(), { type: 'progress', rotation: reveal }, T0))).toBe('reveal');
    expect(
      transition({ ...executing(), operation: { kind: 'mfa.reset' } }, { type: 'progress', rotation: reveal }, T0).ok,
    ).toBe(false);
  });

  it('lets only the requester reveal, and only before the deadline', () => {
    expect(transition(executing(reveal), { type: 'reveal', actor: 'U_BOB', confirmBy: T0 + 5_000 }, T0).ok).toBe(false);
    expect(
      transition(executing(reveal), { type: 'reveal', actor: 'U_ALICE', confirmBy: T0 + 5_000 }, T0 + 1_000).ok,
    ).toBe(false);
    expect(
      step(transition(executing(reveal), { type: 'reveal', actor: 'U_ALICE', confirmBy: T0 + 5_000 }, T0 + 999)),
    ).toBe('confirm');
  });

  it('confirms only after the reveal', () => {
    expect(transition(executing(reveal), { type: 'confirm', actor: 'U_ALICE' }, T0).ok).toBe(false);
    const confirm = { step: 'confirm', oldKeyIds: ['k0'], newKeyId: 'k1', confirmBy: T0 + 5_000 } as const;
    expect(step(transition(executing(confirm), { type: 'confirm', actor: 'U_ALICE' }, T0))).toBe('retire');
  });

  it('waits for the owner to confirm until the deadline recorded at the reveal, then retires the old key', () => {
    const revealed = transition(executing(reveal), { type: 'reveal', actor: 'U_ALICE', confirmBy: T0 + 5_000 }, T0);
    expect(revealed.ok && revealed.value.status).toMatchObject({
      rotation: { step: 'confirm', confirmBy: T0 + 5_000 },
    });
    const confirm = { step: 'confirm', oldKeyIds: ['k0'], newKeyId: 'k1', confirmBy: T0 + 5_000 } as const;
    expect(transition(executing(confirm), { type: 'confirmDeadline' }, T0 + 4_999).ok).toBe(false);
    const due = transition(executing(confirm), { type: 'confirmDeadline' }, T0 + 5_000);
    expect(due.ok && due.value.status).toMatchObject({
      state: 'executing',
      rotation: { step: 'retire', oldKeyIds: ['k0'], newKeyId: 'k1', trigger: 'deadline' },
    });
  });

  it('keeps the step a rotation failed at, and a retry resumes there instead of starting a new rotation', () => {
    const retire = { step: 'retire', oldKeyIds: ['k0'], newKeyId: 'k1', trigger: 'confirmed' } as const;
    const failed = transition(
      executing(retire),
      { type: 'fail', error: { kind: 'limit_exceeded', message: 'two keys' } },
      T0,
    );
    expect(failed.ok && failed.value.status).toMatchObject({ state: 'failed', step: 'execute', rotation: retire });
    if (!failed.ok) return;
    const retried = transition(failed.value, { type: 'retry', actor: 'U_ADMIN', isAdmin: true }, T0 + 1);
    expect(retried.ok && retried.value.status).toEqual({
      state: 'executing',
      at: T0 + 1,
      attempt: 1,
      rotation: retire,
    });
  });

  it('a rollback that ran to its end leaves nothing to resume: a retry starts a new rotation', () => {
    const rollback = { step: 'rollback', oldKeyIds: ['k0'], newKeyId: 'k1', reason: 'lost' } as const;
    const rolledBack = transition(
      executing(rollback),
      { type: 'fail', error: { kind: 'secret_expired', message: 'lost; deleted, old kept' } },
      T0,
    );
    expect(rolledBack.ok && rolledBack.value.status).toEqual({
      state: 'failed',
      at: T0,
      step: 'execute',
      error: { kind: 'secret_expired', message: 'lost; deleted, old kept' },
    });
    if (!rolledBack.ok) return;
    const retried = transition(rolledBack.value, { type: 'retry', actor: 'U_ADMIN', isAdmin: true }, T0 + 1);
    expect(retried.ok && retried.value.status).toEqual({ state: 'approved', at: T0 + 1 });
    // A rollback a provider error interrupted is resumed.
    const interrupted = transition(
      executing(rollback),
      { type: 'fail', error: { kind: 'unavailable', message: '503' } },
      T0,
    );
    expect(interrupted.ok && interrupted.value.status).toMatchObject({ state: 'failed', rotation: rollback });
  });

  it('abandons an unrevealed key at its deadline, or at once when the secret was lost', () => {
    expect(transition(executing(reveal), { type: 'abandon', reason: 'expired' }, T0 + 999).ok).toBe(false);
    expect(step(transition(executing(reveal), { type: 'abandon', reason: 'expired' }, T0 + 1_000))).toBe('rollback');
    expect(step(transition(executing(reveal), { type: 'abandon', reason: 'lost' }, T0))).toBe('rollback');
  });
});
