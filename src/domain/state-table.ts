/**
 * The request state machine as data: every step the reducer (transitions.ts) may take, as
 * (phase, event) → the phases it may lead to. `transition` refuses any step this table does not list, the
 * README's diagram is generated from it (`npm run docs:states`), and the tests check that every row is
 * reachable (test/domain/state-table.test.ts) and that random event sequences stay inside it
 * (test/domain/transitions.model.test.ts).
 *
 * A phase is a request state, with `executing` split by the key rotation step it is at (see `Rotation` in
 * request.ts). A break-glass review runs beside the request's own life, in whatever state the access is:
 * it has its own small table, whose events leave the request's phase as it is (and the request's events
 * leave the review as it is). `new` stands for a request not yet submitted.
 *
 * The table lists where an event may lead; the reducer's rules (who may act, deadlines, quorum) still decide
 * whether it does, and which of several phases it reaches.
 */
import type { Request, Rotation, State } from './request.ts';

type RotationStep = Rotation['step'];

export const PHASES = [
  'new',
  'pending',
  'approved',
  'executing',
  'executing.create',
  'executing.reveal',
  'executing.confirm',
  'executing.retire',
  'executing.rollback',
  'completed',
  'revoking',
  'revoked',
  'failed',
  'denied',
  'cancelled',
  'expired',
] as const satisfies readonly (State | 'new' | `executing.${RotationStep}`)[];
export type Phase = (typeof PHASES)[number];

export const REVIEW_PHASES = ['none', 'awaiting', 'confirmed', 'flagged'] as const;
export type ReviewPhase = (typeof REVIEW_PHASES)[number];

/**
 * The events of the table: the reducer's event types (transitions.ts `RequestEvent`), with a review told
 * apart by its verdict, and the two ways a request is submitted.
 */
export const TABLE_EVENTS = [
  'submit',
  'submitBreakGlass',
  'approve',
  'autoApprove',
  'deny',
  'cancel',
  'expire',
  'remind',
  'escalate',
  'start',
  'observe',
  'progress',
  'reveal',
  'confirm',
  'confirmDeadline',
  'abandon',
  'succeed',
  'fail',
  'retry',
  'warn',
  'extend',
  'revoke',
  'release',
  'revokeFailed',
  'review.confirm',
  'review.flag',
  'remindReview',
  'escalateReview',
] as const;
export type TableEvent = (typeof TABLE_EVENTS)[number];

type Table<P extends string> = Readonly<Record<P, Partial<Readonly<Record<TableEvent, readonly P[]>>>>>;

/** The request's own life. A phase without events is terminal. */
export const STATE_TABLE: Table<Phase> = {
  new: { submit: ['pending'], submitBreakGlass: ['approved'] },
  // A stage passes when its quorum is met; the last one passing approves the request.
  pending: {
    approve: ['pending', 'approved'],
    autoApprove: ['pending', 'approved'],
    deny: ['denied'],
    cancel: ['cancelled'],
    expire: ['expired'],
    remind: ['pending'],
    escalate: ['pending'],
  },
  approved: { start: ['executing'] },
  // `start` again: an execution a restart interrupted is re-entered (another attempt).
  executing: {
    start: ['executing'],
    observe: ['executing'],
    progress: ['executing.create', 'executing.reveal'],
    succeed: ['completed'],
    fail: ['failed'],
  },
  'executing.create': { start: ['executing.create'], progress: ['executing.reveal'], fail: ['failed'] },
  'executing.reveal': { reveal: ['executing.confirm'], abandon: ['executing.rollback'], fail: ['failed'] },
  'executing.confirm': { confirm: ['executing.retire'], confirmDeadline: ['executing.retire'], fail: ['failed'] },
  'executing.retire': { succeed: ['completed'], fail: ['failed'] },
  // A rollback ends as a failure (`secret_expired`): the new key deleted, the old one kept.
  'executing.rollback': { fail: ['failed'] },
  // Timed access only: warned before its end, extended, ended at its end or on release.
  completed: { warn: ['completed'], extend: ['completed'], revoke: ['revoking'], release: ['revoking'] },
  revoking: { succeed: ['revoked'], fail: ['failed'], revokeFailed: ['revoking'] },
  // An admin's retry resumes the step that failed: the execution, the revoke, or a rotation's retire or rollback.
  failed: { retry: ['approved', 'revoking', 'executing.retire', 'executing.rollback'] },
  revoked: {},
  denied: {},
  cancelled: {},
  expired: {},
};

/** A break-glass request's review, beside its own life; `none`: not a break-glass request. */
export const REVIEW_TABLE: Table<ReviewPhase> = {
  none: { submitBreakGlass: ['awaiting'] },
  awaiting: {
    'review.confirm': ['confirmed'],
    'review.flag': ['flagged'],
    remindReview: ['awaiting'],
    escalateReview: ['awaiting'],
  },
  confirmed: {},
  flagged: {},
};

/** The events of the review's table; every other event belongs to the request's. */
export const REVIEW_EVENTS: readonly TableEvent[] = ['review.confirm', 'review.flag', 'remindReview', 'escalateReview'];

export function phaseOf(request: Pick<Request, 'status'>): Phase {
  const s = request.status;
  return s.state === 'executing' && s.rotation ? `executing.${s.rotation.step}` : s.state;
}

export function reviewPhaseOf(request: Pick<Request, 'breakGlass'>): ReviewPhase {
  return request.breakGlass?.review.state ?? 'none';
}

export function isTerminal(phase: Phase): boolean {
  return Object.keys(STATE_TABLE[phase]).length === 0;
}

/**
 * Whether the table lists the step from `before` to `after` on `event`: the phase of the event's table
 * moves as a row says, and the other table's phase stays as it was.
 */
export function inTable(before: Request, event: TableEvent, after: Request): boolean {
  const [from, to] = [phaseOf(before), phaseOf(after)];
  const [reviewFrom, reviewTo] = [reviewPhaseOf(before), reviewPhaseOf(after)];
  if (REVIEW_EVENTS.includes(event)) return from === to && allows(REVIEW_TABLE, reviewFrom, event, reviewTo);
  return reviewFrom === reviewTo && allows(STATE_TABLE, from, event, to);
}

function allows<P extends string>(table: Table<P>, from: P, event: TableEvent, to: P): boolean {
  return table[from][event]?.includes(to) ?? false;
}

/** The table's rows, one per (phase, event, resulting phase). */
export function rowsOf<P extends string>(table: Table<P>): { from: P; event: TableEvent; to: P }[] {
  return (Object.entries(table) as [P, Table<P>[P]][]).flatMap(([from, events]) =>
    (Object.entries(events) as [TableEvent, readonly P[]][]).flatMap(([event, tos]) =>
      tos.map((to) => ({ from, event, to })),
    ),
  );
}
