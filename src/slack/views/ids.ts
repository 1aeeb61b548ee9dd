/** Every action_id and callback_id the bot handles, in one place so builders and handlers agree. */
export const ACTION = {
  approve: 'iam_approve',
  deny: 'iam_deny',
  reveal: 'iam_reveal',
  rotationDone: 'iam_rotation_done',
  kind: 'iam_kind',
  item: 'iam_item',
  duration: 'iam_duration',
  reason: 'iam_reason',
  verified: 'iam_verified',
  extend: 'iam_extend',
  release: 'iam_release',
  reviewKeep: 'iam_review_keep',
  reviewRemove: 'iam_review_remove',
  reviewPage: 'iam_review_page',
  breakGlassConfirm: 'iam_break_glass_confirm',
  breakGlassFlag: 'iam_break_glass_flag',
  breakGlass: 'iam_break_glass',
  emergency: 'iam_emergency',
} as const;

export const VIEW = {
  request: 'iam_request',
  deny: 'iam_deny_reason',
  mfaConfirm: 'iam_mfa_confirm',
  reveal: 'iam_reveal_secret',
  extend: 'iam_extend_grant',
  breakGlassFlag: 'iam_break_glass_flag_reason',
} as const;

/** block_id of each input in the request modal (action_id is the ACTION of the same name). */
export const BLOCK = {
  kind: 'kind',
  item: 'item',
  duration: 'duration',
  reason: 'reason',
  verified: 'verified',
  breakGlass: 'break_glass',
  emergency: 'emergency',
} as const;

const STAGE_MARK = ':stage:';

/**
 * An Approve button's value (and the MFA confirmation's private_metadata): the request id and the stage
 * the person was shown, so a click counts for that stage or for nothing.
 */
export function approveValue(requestId: string, stage: number): string {
  return `${requestId}${STAGE_MARK}${stage}`;
}

/** A value without a stage comes from a message posted before clicks carried theirs: it means the current stage. */
export function parseApproveValue(value: string): { requestId: string; stage?: number } {
  const at = value.lastIndexOf(STAGE_MARK);
  const stage = at < 0 ? '' : value.slice(at + STAGE_MARK.length);
  if (!/^\d{1,3}$/.test(stage)) return { requestId: value };
  return { requestId: value.slice(0, at), stage: Number(stage) };
}

/** A review button's value: the review id and a number (a member's index in the review, or a page). */
export function reviewValue(reviewId: string, n: number): string {
  return `${reviewId}:${n}`;
}

export function parseReviewValue(value: string): { reviewId: string; n: number } | undefined {
  const m = /^([A-Za-z0-9-]{1,64}):(\d{1,6})$/.exec(value);
  return m ? { reviewId: m[1]!, n: Number(m[2]) } : undefined;
}
