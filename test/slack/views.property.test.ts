/**
 * Build 9 (issue 10): every view and message builder, fed text at and beyond every maximum length and
 * arbitrary Unicode, produces Block Kit the strict Slack simulator's validator accepts — and cuts
 * nothing inside a character. Requests and catalog items are generated whole, in every state, with
 * free text wherever people, policies or providers supply it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REQUEST_EVENTS, type Recipient, type UndeliveredNotice } from '../../src/domain/notice.ts';
import { REQUEST_KINDS, type CatalogItem } from '../../src/domain/policy.ts';
import type { FailureInfo, Operation, Request, Status } from '../../src/domain/request.ts';
import { Secret } from '../../src/domain/secret.ts';
import {
  checkMessageBlocks,
  checkOptions,
  checkView,
  describe as describeProblem,
  LIMITS,
} from '../../src/simulators/slack/block-kit.ts';
import { approvalMessage, settledApprovalMessage, type Message } from '../../src/slack/views/approval.ts';
import { auditReply, auditRoot } from '../../src/slack/views/audit-thread.ts';
import { expiringMessage, grantedMessage, revokeFailingMessage } from '../../src/slack/views/grant.ts';
import { homeView } from '../../src/slack/views/home.ts';
import {
  catalogOptions,
  denyModal,
  extendModal,
  mfaConfirmModal,
  noticeModal,
  requestModal,
} from '../../src/slack/views/modals.ts';
import { requesterUpdate } from '../../src/slack/views/requester.ts';
import {
  revealedMessage,
  revealModal,
  rotationSettledMessage,
  secretReadyMessage,
} from '../../src/slack/views/rotation.ts';
import { undeliveredMessage } from '../../src/slack/views/undelivered.ts';

const RUNS = { numRuns: 60 };
const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);

/** Every limit of docs/slack.md a text may meet, and the policy's longest reason. */
const EDGES = [24, 75, 150, 200, 255, 2000, 3000, 4000];

/** Units a text is made of: letters, mrkdwn's control characters, newlines, emoji (with ZWJ sequences), accents. */
const unit = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
  fc.constantFrom(
    'a',
    '<',
    '>',
    '&',
    '*',
    '_',
    '`',
    '~',
    '\n',
    '😀',
    '👩‍👩‍👧‍👦',
    'e\u0301',
    '字',
    '\u200b',
    ':white_check_mark:',
  ),
);

/** Text of any length up to the edges and beyond, never with a lone surrogate (Slack sends UTF-8). */
const text = (max = 4500): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc
      .tuple(
        fc.array(unit, { minLength: 1, maxLength: 6 }),
        fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: 1, max })),
        fc.integer({ min: -1, max: 1 }),
      )
      .map(([units, length, delta]) => {
        const points = Array.from(units.join('').repeat(Math.ceil((length + 1) / Math.max(1, units.join('').length))));
        return points.slice(0, Math.max(1, Math.min(max, length + delta))).join('');
      }),
  );
const nonEmpty = (max?: number) => text(max).filter((value) => value.trim().length > 0);

const userId = fc.stringMatching(/^U[A-Z0-9]{2,10}$/);
const catalogId = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,149}$/);

const item: fc.Arbitrary<CatalogItem> = fc.record({
  id: catalogId,
  title: nonEmpty(400),
  provider: nonEmpty(300),
  kind: fc.constantFrom(...REQUEST_KINDS),
  group: nonEmpty(400),
  principal: nonEmpty(400),
  stages: fc.array(fc.record({ set: nonEmpty(300), quorum: fc.integer({ min: 1, max: 5 }) }), {
    minLength: 1,
    maxLength: 3,
  }),
  requireReason: fc.boolean(),
});

const failure: fc.Arbitrary<FailureInfo> = fc.record(
  {
    kind: fc.constantFrom('not_found', 'forbidden', 'internal', 'secret_expired'),
    message: text(6000),
    providerRequestId: text(400),
  },
  { requiredKeys: ['kind', 'message'] },
);

const outcome = fc.record(
  {
    summary: fc.oneof(
      text(2000),
      text(200).map((s) => `${s} until 2026-12-02T10:00:00.000Z and 2026-12-03T10:00:00Z`),
    ),
    providerRequestId: text(400),
    note: text(3000),
    membershipAdded: fc.boolean(),
  },
  { requiredKeys: ['summary'] },
);

const status: fc.Arbitrary<Status> = fc.oneof(
  fc.record({ state: fc.constant('pending' as const), stage: fc.constant(0), expiresAt: fc.constant(T0 + 86_400_000) }),
  fc.record({ state: fc.constant('approved' as const), at: fc.constant(T0) }),
  fc.record({
    state: fc.constant('executing' as const),
    at: fc.constant(T0),
    attempt: fc.constant(1),
    rotation: fc.record({
      step: fc.constantFrom('reveal' as const),
      oldKeyIds: fc.constant([]),
      newKeyId: text(400),
      revealBy: fc.constant(T0 + 600_000),
    }),
  }),
  fc.record(
    {
      state: fc.constant('completed' as const),
      at: fc.constant(T0),
      outcome,
      grantExpiresAt: fc.constant(T0 + 3_600_000),
    },
    { requiredKeys: ['state', 'at', 'outcome'] },
  ),
  fc.record({ state: fc.constant('revoked' as const), at: fc.constant(T0), outcome }),
  fc.record(
    {
      state: fc.constant('revoking' as const),
      at: fc.constant(T0),
      trigger: fc.constant('expired' as const),
      attempt: fc.constant(3),
      lastError: failure,
    },
    { requiredKeys: ['state', 'at', 'trigger', 'attempt'] },
  ),
  fc.record({
    state: fc.constant('failed' as const),
    at: fc.constant(T0),
    step: fc.constant('execute' as const),
    error: failure,
  }),
  fc.record({ state: fc.constant('denied' as const), at: fc.constant(T0), by: userId, reason: nonEmpty(4000) }),
  fc.record({ state: fc.constant('cancelled' as const), at: fc.constant(T0), by: userId }),
  fc.record({ state: fc.constant('expired' as const), at: fc.constant(T0) }),
);

const operation = (of: CatalogItem): fc.Arbitrary<Operation> => {
  switch (of.kind) {
    case 'group.add':
      return fc.record(
        {
          kind: fc.constant('group.add' as const),
          group: nonEmpty(400),
          durationMs: fc.integer({ min: 60_000, max: 30 * 86_400_000 }),
        },
        { requiredKeys: ['kind', 'group'] },
      );
    case 'group.remove':
      return fc.record({ kind: fc.constant('group.remove' as const), group: nonEmpty(400) });
    case 'key.rotate':
      return fc.record(
        { kind: fc.constant('key.rotate' as const), principal: nonEmpty(400) },
        { requiredKeys: ['kind'] },
      );
    case 'mfa.reset':
      return fc.constant({ kind: 'mfa.reset' as const });
  }
};

/** A request and its catalog item (or none: the item left the policy), in any state. */
const scene: fc.Arbitrary<{ request: Request; item: CatalogItem | undefined }> = item.chain((of) =>
  fc
    .record({
      number: fc.integer({ min: 1, max: 9_999_999 }),
      requester: userId,
      reason: fc.oneof(fc.constant(''), text(3000)),
      operation: operation(of),
      status,
      approvals: fc.array(fc.record({ stage: fc.integer({ min: 0, max: 2 }), by: userId, at: fc.constant(T0) }), {
        maxLength: 6,
      }),
      target: fc.record(
        {
          principal: nonEmpty(400),
          rule: fc.constantFrom('email' as const, 'map' as const, 'service' as const),
          email: text(300),
        },
        { requiredKeys: ['principal', 'rule'] },
      ),
      keepItem: fc.boolean(),
    })
    .map(({ number, requester, reason, operation: op, status: s, approvals, target, keepItem }) => ({
      item: keepItem ? of : undefined,
      request: {
        id: `req-${number}`,
        number,
        ref: `REQ-${String(number).padStart(4, '0')}`,
        version: 1,
        itemId: of.id,
        provider: of.provider,
        operation: op,
        requester,
        reason,
        createdAt: T0,
        updatedAt: T0,
        target,
        stages: of.stages,
        approvals,
        status: s,
      },
    })),
);

/** No lone surrogate anywhere: cutting never split a character. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function expectMessage(message: Message | undefined, maxText: number = LIMITS.messageText): void {
  if (!message) return;
  expect(checkMessageBlocks(message.blocks).errors.map(describeProblem)).toEqual([]);
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(maxText);
  expect(JSON.stringify(message)).not.toMatch(LONE_SURROGATE);
}

function expectView(view: unknown, surface: 'modal' | 'home'): void {
  expect(checkView(view, surface).errors.map(describeProblem)).toEqual([]);
  expect(JSON.stringify(view)).not.toMatch(LONE_SURROGATE);
}

// Every event that reaches people as a notice: a new one is covered the day it is added.
const NOTICE_EVENTS = REQUEST_EVENTS;

describe('every builder produces Block Kit the strict simulator accepts', () => {
  it('approval messages, live and settled (updated with chat.update: text within 4,000)', () => {
    fc.assert(
      fc.property(scene, fc.integer({ min: 0, max: 2 }), ({ request, item: of }, stage) => {
        expectMessage(approvalMessage(request, of, stage));
        expectMessage(settledApprovalMessage(request, of, stage), LIMITS.updateText);
      }),
      RUNS,
    );
  });

  it('the audit root (updated with chat.update) and every audit reply', () => {
    fc.assert(
      fc.property(
        scene,
        fc.constantFrom(...NOTICE_EVENTS),
        fc.array(userId, { maxLength: 30 }),
        ({ request, item: of }, event, approvers) => {
          expectMessage(auditRoot(request, of), LIMITS.updateText);
          const reply = auditReply({ id: 'ev', event, request, actor: request.requester, approvers });
          expect(reply.length).toBeGreaterThan(0);
          expect(reply.length).toBeLessThanOrEqual(LIMITS.messageText);
        },
      ),
      RUNS,
    );
  });

  it('the requester’s DMs for every event', () => {
    fc.assert(
      fc.property(scene, fc.constantFrom(...NOTICE_EVENTS), ({ request, item: of }, event) => {
        expectMessage(requesterUpdate({ id: 'ev', event, request, actor: request.requester }, of));
      }),
      RUNS,
    );
  });

  it('grant and rotation messages (rotation messages are updated with chat.update)', () => {
    fc.assert(
      fc.property(scene, text(3000), ({ request, item: of }, line) => {
        expectMessage(expiringMessage(request, of, T0 + 3_600_000));
        expectMessage(secretReadyMessage(request, of, T0 + 600_000));
        expectMessage(revealedMessage(request, of), LIMITS.updateText);
        expectMessage(rotationSettledMessage(request, of, line.trim() || 'Done.'), LIMITS.updateText);
        expectMessage(grantedMessage(request, of, line.trim() || 'Done.'));
        expectMessage(revokeFailingMessage(request, of));
      }),
      RUNS,
    );
  });

  it('the modals: request (each kind), deny, MFA confirmation, extend, notice, reveal', () => {
    fc.assert(
      fc.property(
        scene,
        fc.integer({ min: 1, max: 3000 }),
        fc.subarray([...REQUEST_KINDS], { minLength: 1 }),
        text(200),
        text(4000),
        fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1000 }),
        text(400),
        ({ request, item: of }, maxReason, kinds, title, body, secret, keyId) => {
          expectView(requestModal({ kinds, maxReasonLength: maxReason }), 'modal');
          for (const kind of kinds) expectView(requestModal({ kinds, kind, maxReasonLength: maxReason }), 'modal');
          expectView(denyModal(request, of, maxReason), 'modal');
          expectView(mfaConfirmModal(request, of, 0), 'modal');
          expectView(extendModal(request, of, maxReason), 'modal');
          expectView(noticeModal(title.trim() || 'Request access', body.trim() || 'Working on it…'), 'modal');
          expectView(revealModal(request, keyId.trim() || 'key', new Secret(secret)), 'modal');
        },
      ),
      RUNS,
    );
  });

  it('the catalog search’s options', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 120 }), (items) => {
        const options = catalogOptions(items);
        expect(checkOptions(options).errors.map(describeProblem)).toEqual([]);
        expect(JSON.stringify(options)).not.toMatch(LONE_SURROGATE);
      }),
      { numRuns: 30 },
    );
  });

  it('the App Home tab, with many requests of either kind', () => {
    fc.assert(
      fc.property(fc.array(scene, { maxLength: 30 }), fc.array(scene, { maxLength: 30 }), (mine, toApprove) => {
        const items = new Map([...mine, ...toApprove].map(({ request, item: of }) => [request.itemId, of] as const));
        expectView(
          homeView(
            mine.map((s) => s.request),
            toApprove.map((s) => s.request),
            (id) => items.get(id),
          ),
          'home',
        );
      }),
      { numRuns: 30 },
    );
  });

  it('the admins’ message about undelivered parts of a notice', () => {
    const recipient: fc.Arbitrary<Recipient> = fc.oneof(
      fc.record({ channel: fc.stringMatching(/^C[A-Z0-9]{2,10}$/) }),
      fc.record({ user: userId }),
    );
    const notice: fc.Arbitrary<UndeliveredNotice> = fc.record({
      id: fc.constant('ev'),
      event: fc.constant('notice.undelivered' as const),
      actor: fc.constant('system' as const),
      about: fc.record(
        { notice: fc.constant('ev-0'), event: text(300), requestRef: fc.constant('REQ-0001') },
        { requiredKeys: ['notice', 'event'] },
      ),
      undelivered: fc.array(
        fc.record({
          part: text(100),
          to: recipient,
          code: fc.oneof(fc.constantFrom('not_in_channel', 'is_archived', 'user_disabled'), text(300)),
        }),
        { minLength: 1, maxLength: 60 },
      ),
      admins: fc.array(userId, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(notice, (n) => expectMessage(undeliveredMessage(n), LIMITS.updateText)),
      RUNS,
    );
  });
});
