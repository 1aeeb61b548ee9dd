import { IamBotError } from '../shared/errors.ts';

/**
 * The refusals a person can meet. `code` is the kind a caller branches on; `message` is written for the
 * person who acted and says what to do.
 */
export type ErrorCode =
  'not_found' | 'not_allowed' | 'already_decided' | 'invalid_input' | 'invalid_state' | 'conflict' | 'rate_limited';

/** Finer reasons for `not_allowed`, so a UI can explain without parsing messages. */
type NotAllowedReason =
  | 'self_approval'
  | 'not_an_approver'
  | 'already_approved'
  /** Separation of duties: this person approved an earlier stage of the same request. */
  | 'approved_earlier_stage'
  /** The requester's Slack identity does not name a provider account under the policy's identity rules. */
  | 'no_provider_account'
  | 'not_a_requester'
  | 'not_the_requester'
  | 'not_an_admin'
  /** An MFA reset is approved only with the approver's attestation that they verified the requester's identity. */
  | 'attestation_required'
  /** A submission some stage of which nobody but the requester (or nobody active) could approve. */
  | 'no_possible_approver'
  /** Break-glass: the item does not allow it, or nobody but the requester could review it. */
  | 'no_break_glass'
  /** Nobody reviews their own break-glass access. */
  | 'self_review'
  | 'not_a_reviewer';

/** The input a refusal is about, so a form shows it on that field (never guessed from the message). */
export type ErrorField = 'item' | 'duration' | 'reason';

export interface WorkflowError {
  code: ErrorCode;
  reason?: NotAllowedReason;
  field?: ErrorField;
  message: string;
}

export function failure(code: ErrorCode, message: string, reason?: NotAllowedReason): WorkflowError {
  return reason ? { code, reason, message } : { code, message };
}

/** Bad input in one field. */
export function invalidField(field: ErrorField, message: string): WorkflowError {
  return { code: 'invalid_input', field, message };
}

export class WorkflowFailure extends IamBotError<ErrorCode> {
  constructor(readonly error: WorkflowError) {
    super(error.code, error.message);
    this.name = 'WorkflowFailure';
  }
}
