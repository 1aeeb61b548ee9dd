import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_SETTINGS, type CatalogItem } from '../../src/domain/policy.ts';
import type { Request, Rotation } from '../../src/domain/request.ts';
import {
  PHASES,
  REVIEW_EVENTS,
  REVIEW_TABLE,
  STATE_TABLE,
  TABLE_EVENTS,
  phaseOf,
  reviewPhaseOf,
  rowsOf,
  type TableEvent,
} from '../../src/domain/state-table.ts';
import { submit, submitBreakGlass, transition, type RequestEvent } from '../../src/domain/transitions.ts';
import { T0, groupItem } from '../support/fixtures.ts';

const HOUR = 3_600_000;
const LATE = 1_000 * 24 * HOUR; // past every deadline a request can carry

const items: Record<string, CatalogItem> = {
  // Two stages, the second needing two people: an approval may leave the request pending either way.
  timed: {
    ...groupItem,
    stages: [
      { set: 'managers', quorum: 1 },
      { set: 'leads', quorum: 2 },
    ],
  },
  permanent: { ...groupItem, id: 'perm', maxDurationMs: undefined, permanent: true },
  key: { ...groupItem, id: 'key', kind: 'key.rotate', group: undefined, maxDurationMs: undefined },
  mfa: { ...groupItem, id: 'mfa', kind: 'mfa.reset', group: undefined, maxDurationMs: undefined },
  breakGlass: {
    ...groupItem,
    id: 'bg',
    breakGlass: {
      maxDurationMs: HOUR,
      reviewers: 'security',
      reviewWithinMs: 24 * HOUR,
      limit: { uses: 1, perMs: HOUR },
    },
  },
};

function submitted(item: CatalogItem, emergency = false): Request {
  const input = {
    id: item.id,
    number: 1,
    item,
    requester: 'U_ALICE',
    requesterAllowed: true,
    reason: 'on call',
    ...(item.kind === 'group.add' && !item.permanent ? { durationMs: HOUR } : {}),
    now: T0,
    settings: DEFAULT_REQUEST_SETTINGS,
  };
  const made = emergency ? submitBreakGlass(input) : submit(input);
  if (!made.ok) throw new Error(made.error.message);
  return made.value;
}

const rotations = (at: number): Rotation[] => [
  { step: 'create', oldKeyIds: ['k0'] },
  { step: 'reveal', oldKeyIds: ['k0'], newKeyId: 'k1', revealBy: at + HOUR },
  { step: 'confirm', oldKeyIds: ['k0'], newKeyId: 'k1', confirmBy: at + HOUR },
  { step: 'retire', oldKeyIds: ['k0'], newKeyId: 'k1', trigger: 'confirmed' },
  { step: 'rollback', oldKeyIds: ['k0'], newKeyId: 'k1', reason: 'lost' },
];

/**
 * Every kind of event, with the people and times that make it apply somewhere (and some that make the
 * rules refuse, or would step outside the table: a rotation recorded out of order).
 */
function eventsFor(request: Request): [RequestEvent, number][] {
  const soon = request.updatedAt + 1;
  const late = request.updatedAt + LATE;
  const stage = request.status.state === 'pending' ? request.status.stage : 0;
  const events: [RequestEvent, number][] = [
    ...['U_ALICE', 'U_BOB', 'U_CAROL', 'U_DAVE'].map((actor): [RequestEvent, number] => [
      { type: 'approve', actor, eligible: true, stage },
      soon,
    ]),
    [{ type: 'autoApprove', rule: 'on-call' }, soon],
    [{ type: 'deny', actor: 'U_BOB', eligible: true, reason: 'no' }, soon],
    [{ type: 'cancel', actor: 'U_ALICE', isAdmin: false }, soon],
    [{ type: 'expire' }, late],
    [{ type: 'remind' }, soon],
    [{ type: 'escalate', set: 'admins' }, soon],
    [{ type: 'start' }, soon],
    [{ type: 'observe', memberBefore: false }, soon],
    ...rotations(soon).map((rotation): [RequestEvent, number] => [{ type: 'progress', rotation }, soon]),
    [{ type: 'reveal', actor: 'U_ALICE', confirmBy: soon + HOUR }, soon],
    [{ type: 'confirm', actor: 'U_ALICE' }, soon],
    [{ type: 'confirmDeadline' }, late],
    [{ type: 'abandon', reason: 'lost' }, soon],
    [{ type: 'abandon', reason: 'expired' }, late],
    [{ type: 'succeed', outcome: { summary: 'done', membershipAdded: true } }, soon],
    [{ type: 'fail', error: { kind: 'unavailable', message: '503' } }, soon],
    [{ type: 'fail', error: { kind: 'secret_expired', message: 'gone' } }, soon],
    [{ type: 'retry', actor: 'U_ADMIN', isAdmin: true }, soon],
    [{ type: 'warn' }, soon],
    [{ type: 'extend', by: 'ext-1', until: soon + 2 * HOUR }, soon],
    [{ type: 'revoke', trigger: 'expired' }, late],
    [{ type: 'release', actor: 'U_ALICE', isAdmin: false }, soon],
    [
      { type: 'revokeFailed', error: { kind: 'unavailable', message: '503' }, retryAt: soon + HOUR, escalate: false },
      soon,
    ],
    [{ type: 'review', actor: 'U_SEC', eligible: true, verdict: 'confirm' }, soon],
    [{ type: 'review', actor: 'U_SEC', eligible: true, verdict: 'flag', reason: 'not an emergency' }, soon],
    [{ type: 'remindReview' }, soon],
    [{ type: 'escalateReview' }, late],
  ];
  return events;
}

const nameOf = (event: RequestEvent): TableEvent => (event.type === 'review' ? `review.${event.verdict}` : event.type);

/** A request with its times and counters left out: two requests alike here take the same steps. */
const shape = (request: Request) =>
  JSON.stringify(request, (key, value: unknown) =>
    typeof value === 'number' && key !== 'stage' && key !== 'quorum' ? '#' : value,
  );

type Step = { from: string; event: TableEvent; to: string };
const key = (s: Step) => `${s.from} --${s.event}--> ${s.to}`;

/** Every step the reducer takes from the submitted requests, breadth first, each shape visited once. */
function explore(): { request: Step[]; review: Step[] } {
  const request: Step[] = [];
  const review: Step[] = [];
  const start = [
    ...Object.values(items).map((item) => submitted(item)),
    submitted(items.breakGlass as CatalogItem, true),
  ];
  for (const r of start) {
    const event = r.breakGlass ? 'submitBreakGlass' : 'submit';
    request.push({ from: 'new', event, to: phaseOf(r) });
    if (r.breakGlass) review.push({ from: 'none', event, to: reviewPhaseOf(r) });
  }
  const seen = new Set(start.map(shape));
  let frontier = start;
  while (frontier.length > 0) {
    const next: Request[] = [];
    for (const before of frontier) {
      for (const [event, now] of eventsFor(before)) {
        const result = transition(before, event, now);
        if (!result.ok) continue;
        const after = result.value;
        const name = nameOf(event);
        if (REVIEW_EVENTS.includes(name)) {
          review.push({ from: reviewPhaseOf(before), event: name, to: reviewPhaseOf(after) });
          expect(phaseOf(after), `${name} left the request's phase alone`).toBe(phaseOf(before));
        } else {
          request.push({ from: phaseOf(before), event: name, to: phaseOf(after) });
          expect(reviewPhaseOf(after), `${name} left the review alone`).toBe(reviewPhaseOf(before));
        }
        if (!seen.has(shape(after))) {
          seen.add(shape(after));
          next.push(after);
        }
      }
    }
    frontier = next;
  }
  return { request, review };
}

describe('the state table (src/domain/state-table.ts)', () => {
  const taken = explore();

  it.each([
    ['request', STATE_TABLE, taken.request],
    ['review', REVIEW_TABLE, taken.review],
  ] as const)('the reducer takes every step of the %s table, and no other', (_name, table, steps) => {
    const rows = new Set(rowsOf(table as typeof STATE_TABLE).map(key));
    const reached = new Set(steps.map(key));
    expect(
      [...rows].filter((row) => !reached.has(row)),
      'rows no event sequence reaches',
    ).toEqual([]);
    expect(
      [...reached].filter((step) => !rows.has(step)),
      'steps the table does not list',
    ).toEqual([]);
  });

  it('names every phase and every event the domain has', () => {
    expect(Object.keys(STATE_TABLE).sort()).toEqual([...PHASES].sort());
    const used = new Set([...rowsOf(STATE_TABLE), ...rowsOf(REVIEW_TABLE)].map((row) => row.event));
    expect(TABLE_EVENTS.filter((event) => !used.has(event))).toEqual([]);
    for (const row of rowsOf(STATE_TABLE)) expect(PHASES).toContain(row.to);
  });

  it('refuses a step the rules would allow but the table does not list, as an invalid state', () => {
    const key = { ...submitted(items.key as CatalogItem) };
    const executing: Request = { ...key, status: { state: 'executing', at: T0, attempt: 1 } };
    // A rotation recorded out of order: retiring the old keys before a new key was even created.
    const [, , , retire, rollback] = rotations(T0);
    for (const rotation of [retire, rollback] as Rotation[]) {
      const result = transition(executing, { type: 'progress', rotation }, T0 + 1);
      expect(!result.ok && result.error).toMatchObject({
        code: 'invalid_state',
        message: 'REQ-0001 is being carried out, so it cannot progress.',
      });
    }
    // A rotation completed while its new key still waits to be revealed.
    const revealing: Request = {
      ...key,
      status: { state: 'executing', at: T0, attempt: 1, rotation: rotations(T0)[1] as Rotation },
    };
    const done = transition(revealing, { type: 'succeed', outcome: { summary: 'done' } }, T0 + 1);
    expect(!done.ok && done.error.code).toBe('invalid_state');
  });
});
