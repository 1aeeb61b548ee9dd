/**
 * Every change to a request is a pure function of (request, event, now): it returns the next request
 * (version + 1) or a typed refusal, and never performs I/O. Facts that need I/O — is this person in the
 * stage's set right now, is this person an admin — are resolved by the caller and passed in the event.
 */
import { failure, invalidField, type WorkflowError } from './errors.ts';
import { formatRef } from './ids.ts';
import type { BreakGlassPolicy, CatalogItem, RequestSettings } from './policy.ts';
import type {
  BreakGlass,
  FailureInfo,
  Operation,
  Outcome,
  Request,
  RequestTarget,
  RevokeTrigger,
  Rotation,
  State,
  Status,
} from './request.ts';
import { err, ok, type Result } from './result.ts';
import { formatDuration } from './duration.ts';
import { inTable, type TableEvent } from './state-table.ts';

export type RequestEvent =
  /** `stage`: the stage the click was shown for; it counts for that stage or for nothing. */
  | { type: 'approve'; actor: string; eligible: boolean; stage: number }
  /** An auto-approval rule passed the first stage (its conditions and cap were judged by the caller). */
  | { type: 'autoApprove'; rule: string }
  | { type: 'deny'; actor: string; eligible: boolean; reason: string }
  | { type: 'cancel'; actor: string; isAdmin: boolean }
  | { type: 'expire' }
  | { type: 'start' }
  | { type: 'succeed'; outcome: Outcome }
  | { type: 'fail'; error: FailureInfo }
  | { type: 'retry'; actor: string; isAdmin: boolean }
  /** `removal`: with trigger `removed`, the ref of the access review's removal request. */
  | { type: 'revoke'; trigger: RevokeTrigger; removal?: string }
  /** The executor records a key rotation step (create → reveal, retire, rollback). */
  | { type: 'progress'; rotation: Rotation }
  /** The executor recorded whether the person was a member before it added them. */
  | { type: 'observe'; memberBefore: boolean }
  /** The key owner revealed the new secret; they have until `confirmBy` to confirm the new key is in use. */
  | { type: 'reveal'; actor: string; confirmBy: number }
  /** The key owner says their systems use the new key: the old one may go. */
  | { type: 'confirm'; actor: string }
  /** The owner did not confirm by the deadline: the old keys are retired anyway, as they were told. */
  | { type: 'confirmDeadline' }
  /** The new secret was not revealed in time, or was lost in a restart. */
  | { type: 'abandon'; reason: 'expired' | 'lost' }
  /** The requester is told their access ends soon. */
  | { type: 'warn' }
  /** The approvers of the current stage are reminded. */
  | { type: 'remind' }
  /** Nobody decided in time: `set` may now decide the current stage too. */
  | { type: 'escalate'; set: string }
  /** A revoke attempt failed: try again at `retryAt`; `escalate` once it has failed too often. */
  | { type: 'revokeFailed'; error: FailureInfo; retryAt: number; escalate: boolean }
  /** The requester (or an admin) ends a grant early. */
  | { type: 'release'; actor: string; isAdmin: boolean }
  /** An approved extension moves the grant's end. */
  | { type: 'extend'; by: string; until: number }
  /** A reviewer confirms a break-glass use was justified, or flags it (with a reason) for the admins. */
  | { type: 'review'; actor: string; eligible: boolean; verdict: 'confirm' }
  | { type: 'review'; actor: string; eligible: boolean; verdict: 'flag'; reason: string }
  /** The reviewers of a break-glass use are reminded… */
  | { type: 'remindReview' }
  /** …and, unreviewed at its deadline, the admins are told. */
  | { type: 'escalateReview' };

export type EventType = RequestEvent['type'];

export interface SubmitInput {
  id: string;
  /** For an extension: the grant whose end it moves. */
  extends?: string;
  number: number;
  item: CatalogItem;
  requester: string;
  /** Whether the requester is allowed to request this item (resolved by the caller). */
  requesterAllowed: boolean;
  reason: string;
  durationMs?: number;
  submissionKey?: string;
  /** The provider account it will act on (resolved by the caller from the identity rules). */
  target?: RequestTarget;
  now: number;
  settings: RequestSettings;
}

/** What a submission's own input decides (no directory facts): the reason, the duration, the operation. */
type SubmissionInput = Pick<SubmitInput, 'item' | 'reason' | 'durationMs' | 'extends' | 'settings'>;

export function checkSubmission(input: SubmissionInput): Result<Operation, WorkflowError> {
  const { item } = input;
  const reason = input.reason.trim();
  if (item.requireReason && reason === '') {
    return err(invalidField('reason', `${item.title} needs a reason.`));
  }
  if (reason.length > input.settings.maxReasonLength) {
    return err(invalidField('reason', `The reason is longer than ${input.settings.maxReasonLength} characters.`));
  }
  const operation = operationFor(item, input.durationMs);
  if (!operation.ok || input.extends === undefined) return operation;
  if (operation.value.kind !== 'group.add' || operation.value.durationMs === undefined) {
    return err(invalidField('duration', 'An extension is of timed group access, and needs a duration.'));
  }
  return ok({ ...operation.value, extends: input.extends });
}

/**
 * Whether a submission is accepted, decided before it is given a request number (a refused form uses
 * none, so the numbers of requests that exist have no gaps a refusal made).
 */
export function admit(
  input: SubmissionInput & Pick<SubmitInput, 'requesterAllowed'>,
): Result<Operation, WorkflowError> {
  if (!input.requesterAllowed) {
    return err(failure('not_allowed', `You may not request ${input.item.title}.`, 'not_a_requester'));
  }
  return checkSubmission(input);
}

export function submit(input: SubmitInput): Result<Request, WorkflowError> {
  const { item, now } = input;
  const reason = input.reason.trim();
  const operation = admit(input);
  if (!operation.ok) return operation;
  return ok({
    id: input.id,
    number: input.number,
    ref: formatRef(input.number),
    version: 1,
    itemId: item.id,
    provider: item.provider,
    operation: operation.value,
    requester: input.requester,
    reason,
    ...(input.submissionKey ? { submissionKey: input.submissionKey } : {}),
    ...(input.target ? { target: input.target } : {}),
    createdAt: now,
    updatedAt: now,
    stages: item.stages.map((s) => ({ set: s.set, quorum: s.quorum })),
    ...(item.sameApproverAcrossStages ? { sameApproverAcrossStages: true } : {}),
    approvals: [],
    status: { state: 'pending', stage: 0, expiresAt: now + input.settings.pendingTtlMs, stageSince: now },
  });
}

function operationFor(item: CatalogItem, durationMs: number | undefined): Result<Operation, WorkflowError> {
  if (durationMs !== undefined && item.kind !== 'group.add') {
    return err(invalidField('duration', `A duration only applies to group access, not to ${item.kind}.`));
  }
  switch (item.kind) {
    case 'group.add': {
      durationMs ??= item.defaultDurationMs;
      if (durationMs !== undefined && (!Number.isSafeInteger(durationMs) || durationMs <= 0)) {
        return err(invalidField('duration', 'The duration must be positive.'));
      }
      if (item.maxDurationMs !== undefined) {
        if (durationMs === undefined) {
          return err(
            invalidField(
              'duration',
              `${item.title} is time-bound: choose a duration up to ${formatDuration(item.maxDurationMs)}.`,
            ),
          );
        }
        if (durationMs > item.maxDurationMs) {
          return err(
            invalidField(
              'duration',
              `${formatDuration(durationMs)} is longer than the ${formatDuration(item.maxDurationMs)} allowed for ${item.title}.`,
            ),
          );
        }
      }
      return ok(
        durationMs === undefined
          ? { kind: 'group.add', group: groupOf(item) }
          : { kind: 'group.add', group: groupOf(item), durationMs },
      );
    }
    case 'group.remove':
      return ok({ kind: 'group.remove', group: groupOf(item) });
    case 'key.rotate':
      return ok(
        item.principal === undefined ? { kind: 'key.rotate' } : { kind: 'key.rotate', principal: item.principal },
      );
    case 'mfa.reset':
      return ok({ kind: 'mfa.reset' });
  }
}

function groupOf(item: CatalogItem): string {
  // The policy loader guarantees group items name a group.
  return item.group ?? '';
}

/**
 * An emergency: the request is approved as it is submitted, with no stage passed, and must be reviewed
 * by the item's reviewers before `reviewBy`. Its duration defaults to, and is capped by, the item's
 * break-glass maximum; the reason (the emergency) is required.
 */
export function submitBreakGlass(input: SubmitInput): Result<Request, WorkflowError> {
  const checked = checkBreakGlass(input);
  if (!checked.ok) return checked;
  const submitted = submit({ ...input, ...checked.value });
  if (!submitted.ok) return submitted;
  const { reviewers, reviewWithinMs } = checked.value.item.breakGlass;
  return ok({
    ...submitted.value,
    status: { state: 'approved', at: input.now },
    breakGlass: { reviewers, reviewBy: input.now + reviewWithinMs, review: { state: 'awaiting' } },
  });
}

/** What an emergency's own input decides: the item allows it, a reason, a duration within its cap. */
export function checkBreakGlass(
  input: SubmissionInput,
): Result<{ item: CatalogItem & { breakGlass: BreakGlassPolicy }; durationMs: number }, WorkflowError> {
  const { item } = input;
  const policy = item.breakGlass;
  // Group access only, whatever a policy built by hand says: never an MFA reset nor a new key.
  if (!policy || item.kind !== 'group.add')
    return err({
      ...failure('not_allowed', `${item.title} does not allow break-glass access.`, 'no_break_glass'),
      field: 'item',
    });
  if (input.reason.trim() === '')
    return err(invalidField('reason', 'Break-glass needs the emergency, in a few words: the reviewers read it.'));
  const durationMs = input.durationMs ?? policy.maxDurationMs;
  if (durationMs > policy.maxDurationMs)
    return err(
      invalidField(
        'duration',
        `Break-glass access to ${item.title} lasts at most ${formatDuration(policy.maxDurationMs)}; ask through the approvers for longer.`,
      ),
    );
  // The item's own rules apply too (its maxDuration, the reason's length); the reason is required whatever the item says.
  const own = checkSubmission({ ...input, item: { ...item, requireReason: true }, durationMs });
  if (!own.ok) return own;
  return ok({ item: { ...item, breakGlass: policy, requireReason: true }, durationMs });
}

/** Apply one event. Refusals leave the request untouched. */
export function transition(request: Request, event: RequestEvent, now: number): Result<Request, WorkflowError> {
  const next = nextStatus(request, event, now);
  if (!next.ok) return next;
  const { status, approvals = request.approvals, breakGlass } = next.value;
  const after: Request = {
    ...request,
    status,
    approvals,
    ...(breakGlass ? { breakGlass } : {}),
    version: request.version + 1,
    updatedAt: now,
  };
  // The rules above decide; the table (state-table.ts) bounds where they may lead.
  if (!inTable(request, tableEvent(event), after)) return err(invalidState(request, event.type));
  return ok(after);
}

/** The event's name in the state table: a review is told apart by its verdict. */
function tableEvent(event: RequestEvent): TableEvent {
  return event.type === 'review' ? `review.${event.verdict}` : event.type;
}

type Change = { status: Status; approvals?: Request['approvals']; breakGlass?: BreakGlass };

function nextStatus(request: Request, event: RequestEvent, now: number): Result<Change, WorkflowError> {
  const s = request.status;
  switch (event.type) {
    case 'approve':
      if (s.state !== 'pending') return err(alreadyDecided(request));
      return approve(request, s, event, now);
    case 'autoApprove':
      // A rule speaks for the first stage only, before anyone else did: never for a stage people must decide.
      if (s.state !== 'pending' || s.stage !== 0 || request.approvals.length > 0)
        return err(invalidState(request, 'autoApprove'));
      return ok(passStage(request, s, [{ stage: 0, by: 'system', at: now, rule: event.rule }], now));
    case 'deny':
      if (s.state !== 'pending') return err(alreadyDecided(request));
      if (event.actor === request.requester) {
        return err(
          failure('not_allowed', 'You cannot decide on your own request; cancel it instead.', 'self_approval'),
        );
      }
      if (!event.eligible) return err(notAnApprover(request, s.stage));
      if (event.reason.trim() === '') return err(invalidField('reason', 'A denial needs a reason.'));
      return ok({ status: { state: 'denied', at: now, by: event.actor, reason: event.reason.trim() } });
    case 'cancel':
      if (s.state !== 'pending') return err(alreadyDecided(request));
      if (event.actor !== request.requester && !event.isAdmin) {
        return err(
          failure('not_allowed', `Only the requester or an admin can cancel ${request.ref}.`, 'not_the_requester'),
        );
      }
      return ok({ status: { state: 'cancelled', at: now, by: event.actor } });
    case 'expire':
      if (s.state !== 'pending') return err(invalidState(request, 'expire'));
      if (now < s.expiresAt) return err(failure('invalid_state', `${request.ref} is not due to expire yet.`));
      return ok({ status: { state: 'expired', at: now } });
    case 'start':
      if (s.state === 'approved') return ok({ status: { state: 'executing', at: now, attempt: 1 } });
      // Re-entering an interrupted execution (after a restart) counts another attempt.
      if (s.state === 'executing') return ok({ status: { ...s, at: now, attempt: s.attempt + 1 } });
      return err(invalidState(request, 'start'));
    case 'progress':
      if (s.state !== 'executing' || request.operation.kind !== 'key.rotate')
        return err(invalidState(request, 'progress'));
      return ok({ status: { ...s, at: now, rotation: event.rotation } });
    case 'observe':
      if (s.state !== 'executing' || request.operation.kind !== 'group.add')
        return err(invalidState(request, 'observe'));
      return ok({ status: { ...s, memberBefore: event.memberBefore } });
    case 'reveal':
    case 'confirm':
      return ownerStep(request, event, now);
    case 'confirmDeadline': {
      const r = s.state === 'executing' ? s.rotation : undefined;
      if (s.state !== 'executing' || r?.step !== 'confirm') return err(invalidState(request, 'confirmDeadline'));
      if (now < r.confirmBy)
        return err(failure('invalid_state', `${request.ref} may still be confirmed by its owner.`));
      return ok({
        status: {
          ...s,
          at: now,
          rotation: { step: 'retire', oldKeyIds: r.oldKeyIds, newKeyId: r.newKeyId, trigger: 'deadline' },
        },
      });
    }
    case 'abandon': {
      const r = s.state === 'executing' ? s.rotation : undefined;
      if (s.state !== 'executing' || r?.step !== 'reveal') return err(invalidState(request, 'abandon'));
      if (event.reason === 'expired' && now < r.revealBy)
        return err(failure('invalid_state', `${request.ref}'s new key may still be revealed.`));
      return ok({
        status: {
          ...s,
          at: now,
          rotation: { step: 'rollback', oldKeyIds: r.oldKeyIds, newKeyId: r.newKeyId, reason: event.reason },
        },
      });
    }
    case 'succeed':
      if (s.state === 'executing') return ok({ status: completed(request, event.outcome, now) });
      if (s.state === 'revoking') return ok({ status: { state: 'revoked', at: now, outcome: event.outcome } });
      return err(invalidState(request, 'succeed'));
    case 'fail':
      if (s.state === 'executing') {
        const r = s.rotation;
        // The step a rotation failed at is kept: retiring or rolling back again is safe, starting over is not.
        // A rollback that ran to its end (`secret_expired`: new key deleted, old key kept) left nothing to
        // resume: a retry is a new rotation.
        const unfinished = (r?.step === 'retire' || r?.step === 'rollback') && event.error.kind !== 'secret_expired';
        const resume = unfinished ? { rotation: r } : {};
        return ok({ status: { state: 'failed', at: now, step: 'execute', error: event.error, ...resume } });
      }
      if (s.state === 'revoking')
        return ok({ status: { state: 'failed', at: now, step: 'revoke', error: event.error } });
      return err(invalidState(request, 'fail'));
    case 'retry':
      if (s.state !== 'failed') return err(invalidState(request, 'retry'));
      if (!event.isAdmin) return err(failure('not_allowed', `Only an admin can retry ${request.ref}.`, 'not_an_admin'));
      if (s.rotation) return ok({ status: { state: 'executing', at: now, attempt: 1, rotation: s.rotation } });
      return ok({
        status:
          s.step === 'execute'
            ? { state: 'approved', at: now }
            : { state: 'revoking', at: now, trigger: 'expired', attempt: 1 },
      });
    case 'warn':
      if (s.state !== 'completed' || s.grantExpiresAt === undefined || s.warnedAt !== undefined)
        return err(invalidState(request, 'warn'));
      return ok({ status: { ...s, warnedAt: now } });
    case 'remind':
      if (s.state !== 'pending' || s.remindedAt !== undefined) return err(invalidState(request, 'remind'));
      return ok({ status: { ...s, remindedAt: now } });
    case 'escalate':
      if (s.state !== 'pending' || s.escalatedTo !== undefined) return err(invalidState(request, 'escalate'));
      return ok({ status: { ...s, escalatedTo: event.set } });
    case 'revokeFailed':
      if (s.state !== 'revoking') return err(invalidState(request, 'revokeFailed'));
      return ok({
        status: {
          ...s,
          at: now,
          attempt: s.attempt + 1,
          retryAt: event.retryAt,
          lastError: event.error,
          escalated: s.escalated === true || event.escalate,
        },
      });
    case 'release':
      if (s.state !== 'completed' || s.grantExpiresAt === undefined) {
        return err(
          failure('invalid_state', `${request.ref} is ${PAST[s.state]}: there is no active, timed access left to end.`),
        );
      }
      if (event.actor !== request.requester && !event.isAdmin) {
        return err(
          failure(
            'not_allowed',
            `Only the requester or an admin can end ${request.ref}'s access.`,
            'not_the_requester',
          ),
        );
      }
      return ok({ status: revoking(s, 'released', now) });
    case 'extend': {
      if (s.state !== 'completed' || s.grantExpiresAt === undefined) return err(invalidState(request, 'extend'));
      const extendedBy = s.extendedBy ?? [];
      // The same extension applied twice (a resumed step) changes nothing.
      if (extendedBy.includes(event.by)) return ok({ status: s });
      const { warnedAt: _warned, ...rest } = s;
      return ok({
        status: {
          ...rest,
          grantExpiresAt: Math.max(s.grantExpiresAt, event.until),
          extendedBy: [...extendedBy, event.by],
        },
      });
    }
    case 'review':
      return review(request, event, now);
    case 'remindReview': {
      const bg = request.breakGlass;
      if (bg?.review.state !== 'awaiting' || bg.review.remindedAt !== undefined)
        return err(invalidState(request, 'remindReview'));
      return ok({ status: s, breakGlass: { ...bg, review: { ...bg.review, remindedAt: now } } });
    }
    case 'escalateReview': {
      const bg = request.breakGlass;
      if (bg?.review.state !== 'awaiting' || bg.review.escalatedAt !== undefined)
        return err(invalidState(request, 'escalateReview'));
      if (now < bg.reviewBy) return err(failure('invalid_state', `${request.ref}'s review is not due yet.`));
      return ok({ status: s, breakGlass: { ...bg, review: { ...bg.review, escalatedAt: now } } });
    }
    case 'revoke':
      if (s.state !== 'completed' || s.grantExpiresAt === undefined) return err(invalidState(request, 'revoke'));
      if (event.trigger === 'expired' && now < s.grantExpiresAt) {
        return err(failure('invalid_state', `${request.ref}'s access does not end yet.`));
      }
      return ok({ status: revoking(s, event.trigger, now, event.removal) });
  }
}

/**
 * A break-glass review, in whatever state the access is (still running, ended, failed): one reviewer
 * decides, never the requester, and only once. Late is still welcome: an escalated review can be done.
 */
function review(
  request: Request,
  event: Extract<RequestEvent, { type: 'review' }>,
  now: number,
): Result<Change, WorkflowError> {
  const bg = request.breakGlass;
  if (!bg)
    return err(failure('invalid_state', `${request.ref} is not a break-glass request: there is nothing to review.`));
  if (bg.review.state !== 'awaiting')
    return err(failure('already_decided', `${request.ref}'s break-glass use was already ${bg.review.state}.`));
  if (event.actor === request.requester)
    return err(failure('not_allowed', 'You cannot review your own break-glass access.', 'self_review'));
  if (!event.eligible)
    return err(failure('not_allowed', `You are not in ${bg.reviewers}, who review ${request.ref}.`, 'not_a_reviewer'));
  if (event.verdict === 'confirm')
    return ok({
      status: request.status,
      breakGlass: { ...bg, review: { state: 'confirmed', by: event.actor, at: now } },
    });
  const reason = event.reason.trim();
  if (reason === '') return err(invalidField('reason', 'Flagging needs a reason: the admins act on it.'));
  return ok({
    status: request.status,
    breakGlass: { ...bg, review: { state: 'flagged', by: event.actor, at: now, reason } },
  });
}

/** Reveal moves `reveal` → `confirm`; confirm moves `confirm` → `retire`. Only the requester, who owns the key. */
function ownerStep(
  request: Request,
  event: Extract<RequestEvent, { type: 'reveal' | 'confirm' }>,
  now: number,
): Result<Change, WorkflowError> {
  const s = request.status;
  const from = event.type === 'reveal' ? 'reveal' : 'confirm';
  if (s.state !== 'executing' || s.rotation?.step !== from) {
    return err(
      failure(
        'invalid_state',
        `${request.ref} is not waiting for you to ${event.type === 'reveal' ? 'reveal its new key' : 'confirm the new key is in use'}.`,
      ),
    );
  }
  if (event.actor !== request.requester) {
    return err(
      failure(
        'not_allowed',
        `Only the requester, who owns the new key, can do this for ${request.ref}.`,
        'not_the_requester',
      ),
    );
  }
  if (s.rotation.step === 'reveal' && now >= s.rotation.revealBy) {
    return err(
      failure(
        'invalid_state',
        `${request.ref}'s new key was not revealed in time; it is being deleted and your old key kept.`,
      ),
    );
  }
  const { oldKeyIds, newKeyId } = s.rotation;
  const rotation: Rotation =
    event.type === 'reveal'
      ? { step: 'confirm', oldKeyIds, newKeyId, confirmBy: event.confirmBy }
      : { step: 'retire', oldKeyIds, newKeyId, trigger: 'confirmed' };
  return ok({ status: { ...s, at: now, rotation } });
}

function approve(
  request: Request,
  s: Extract<Status, { state: 'pending' }>,
  event: Extract<RequestEvent, { type: 'approve' }>,
  now: number,
): Result<Change, WorkflowError> {
  if (event.actor === request.requester) {
    return err(failure('not_allowed', 'You cannot approve your own request.', 'self_approval'));
  }
  // A click counts for the stage it was shown for: a double-click must not carry into the next stage.
  if (event.stage < s.stage) {
    return err(
      failure(
        'invalid_state',
        `Stage ${event.stage + 1} of ${request.ref} has already passed; this click counted for nothing.`,
      ),
    );
  }
  if (event.stage > s.stage) {
    return err(
      failure(
        'invalid_state',
        `Stage ${event.stage + 1} of ${request.ref} has not started yet; this click counted for nothing.`,
      ),
    );
  }
  if (!event.eligible) return err(notAnApprover(request, s.stage));
  if (!request.sameApproverAcrossStages && request.approvals.some((a) => a.by === event.actor && a.stage < s.stage)) {
    return err(
      failure(
        'not_allowed',
        `You approved an earlier stage of ${request.ref}; someone else must approve stage ${s.stage + 1}.`,
        'approved_earlier_stage',
      ),
    );
  }
  const inStage = request.approvals.filter((a) => a.stage === s.stage);
  if (inStage.some((a) => a.by === event.actor)) {
    return err(
      failure('not_allowed', `You already approved ${request.ref}; it needs another approver.`, 'already_approved'),
    );
  }
  const approvals = [...request.approvals, { stage: s.stage, by: event.actor, at: now }];
  const stage = request.stages[s.stage];
  const quorum = stage?.quorum ?? 1;
  if (inStage.length + 1 < quorum) return ok({ status: s, approvals });
  return ok(passStage(request, s, approvals, now));
}

/** The current stage passed: the next one starts, or the request is approved. */
function passStage(
  request: Request,
  s: Extract<Status, { state: 'pending' }>,
  approvals: Request['approvals'],
  now: number,
): Change {
  const nextStage = s.stage + 1;
  if (nextStage < request.stages.length) {
    // A new stage starts its own reminder and escalation clock.
    const { remindedAt: _r, escalatedTo: _e, ...rest } = s;
    return { status: { ...rest, stage: nextStage, stageSince: now }, approvals };
  }
  return { status: { state: 'approved', at: now }, approvals };
}

function revoking(
  grant: Extract<Status, { state: 'completed' }>,
  trigger: RevokeTrigger,
  now: number,
  removal?: string,
): Status {
  const status: Status = { state: 'revoking', at: now, trigger, attempt: 1 };
  // An access review's removal took the member out already, whatever was there before this grant.
  if (trigger === 'removed') return removal === undefined ? status : { ...status, removedBy: removal };
  return grant.outcome.membershipAdded === false ? { ...status, leaveAsFound: true } : status;
}

function completed(request: Request, outcome: Outcome, now: number): Status {
  const op = request.operation;
  if (op.kind === 'group.add' && op.durationMs !== undefined && op.extends === undefined) {
    return { state: 'completed', at: now, outcome, grantExpiresAt: now + op.durationMs };
  }
  return { state: 'completed', at: now, outcome };
}

const PAST: Record<State, string> = {
  pending: 'pending',
  approved: 'already approved',
  executing: 'being carried out',
  completed: 'already completed',
  revoking: 'being revoked',
  revoked: 'already revoked',
  failed: 'failed',
  denied: 'already denied',
  cancelled: 'already cancelled',
  expired: 'expired',
};

function alreadyDecided(request: Request): WorkflowError {
  return failure(
    'already_decided',
    `${request.ref} is ${PAST[request.status.state]}; there is nothing left to decide.`,
  );
}

function invalidState(request: Request, action: EventType): WorkflowError {
  return failure('invalid_state', `${request.ref} is ${PAST[request.status.state]}, so it cannot ${action}.`);
}

function notAnApprover(request: Request, stage: number): WorkflowError {
  const set = request.stages[stage]?.set ?? 'the approvers';
  return failure('not_allowed', `You are not in ${set}, who must approve ${request.ref} now.`, 'not_an_approver');
}
