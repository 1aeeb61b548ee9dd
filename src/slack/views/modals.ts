/** The modals: make a request, give a denial reason, confirm an MFA approver checked identity. */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { BreakGlassPolicy, RequestKind } from '../../domain/policy.ts';
import type { Request } from '../../domain/request.ts';
import { formatDuration } from '../../domain/duration.ts';
import { fit, LIMITS, requestSummary } from './format.ts';
import type { CatalogItem } from '../../domain/policy.ts';
import { ACTION, BLOCK, VIEW, approveValue } from './ids.ts';

const KIND_LABEL: Record<RequestKind, string> = {
  'group.add': 'Access to a group',
  'group.remove': 'Leave a group',
  'key.rotate': 'Rotate an access key',
  'mfa.reset': 'Reset MFA',
};

export const REQUEST_MODAL_TITLE = 'Request access';

const kindOption = (kind: RequestKind): PlainTextOption => ({
  text: { type: 'plain_text', text: KIND_LABEL[kind] },
  value: kind,
});

export interface RequestModalInput {
  /** Kinds this person can request at all (an unsupported kind is never offered). */
  kinds: readonly RequestKind[];
  kind?: RequestKind;
  /** The catalog item chosen so far: the duration field then says what will apply. */
  item?: CatalogItem;
  maxReasonLength: number;
}

/** Slack shows at most 100 options in a menu (docs/slack.md). */
const MAX_OPTIONS = 100;

/**
 * The catalog search's answer: each item as an option, its title cut to an option's 75 characters; the
 * value is the item's id, which `iam-bot check` keeps within an option value's 150.
 */
export function catalogOptions(items: readonly CatalogItem[]): PlainTextOption[] {
  return items.slice(0, MAX_OPTIONS).map((item) => ({
    text: { type: 'plain_text', text: fit(`${item.title} (${item.provider})`, LIMITS.optionText) },
    value: item.id,
  }));
}

/** The request modal. Choosing a kind updates it (dispatch_action); items load by search (external_select). */
export function requestModal(input: RequestModalInput): ModalView {
  const kind = input.kind ?? (input.kinds.length === 1 ? input.kinds[0] : undefined);
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: BLOCK.kind,
      dispatch_action: true,
      label: { type: 'plain_text', text: 'What do you need?' },
      element: {
        type: 'static_select',
        action_id: ACTION.kind,
        options: input.kinds.map(kindOption),
        ...(kind ? { initial_option: kindOption(kind) } : {}),
      },
    },
  ];
  if (kind) {
    blocks.push({
      type: 'input',
      block_id: BLOCK.item,
      // Choosing an item rebuilds the modal so the duration field says what will apply to that item.
      dispatch_action: kind === 'group.add',
      label: { type: 'plain_text', text: kind === 'group.add' || kind === 'group.remove' ? 'Group' : 'Account' },
      element: {
        type: 'external_select',
        action_id: ACTION.item,
        min_query_length: 0,
        placeholder: { type: 'plain_text', text: 'Search the catalog' },
        ...(input.item ? { initial_option: catalogOptions([input.item])[0] } : {}),
      },
    });
    if (kind === 'group.add') {
      const item = input.item?.kind === 'group.add' ? input.item : undefined;
      const fallback = item?.defaultDurationMs;
      blocks.push({
        type: 'input',
        block_id: BLOCK.duration,
        optional: true,
        label: { type: 'plain_text', text: 'For how long?' },
        hint: { type: 'plain_text', text: durationHint(item) },
        element: {
          type: 'plain_text_input',
          action_id: ACTION.duration,
          max_length: 16,
          ...(fallback !== undefined ? { initial_value: formatDuration(fallback) } : {}),
        },
      });
      // Only an item that allows it offers the emergency, with its own reason.
      if (item?.breakGlass) blocks.push(...emergencyInputs(item.breakGlass, input.maxReasonLength));
    }
    blocks.push({
      type: 'input',
      block_id: BLOCK.reason,
      optional: true,
      label: { type: 'plain_text', text: 'Why?' },
      element: {
        type: 'plain_text_input',
        action_id: ACTION.reason,
        multiline: true,
        max_length: input.maxReasonLength,
      },
    });
  }
  return {
    type: 'modal',
    callback_id: VIEW.request,
    title: { type: 'plain_text', text: REQUEST_MODAL_TITLE },
    // Slack requires a submit button on any modal with inputs; submitting before choosing is refused per field.
    submit: { type: 'plain_text', text: 'Submit' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify({ kind: kind ?? null }),
    blocks,
  };
}

/** The checkbox that declares an emergency, and what the emergency is: the reviewers and the admins read it. */
function emergencyInputs(policy: BreakGlassPolicy, maxReasonLength: number): KnownBlock[] {
  return [
    {
      type: 'input',
      block_id: BLOCK.breakGlass,
      optional: true,
      label: { type: 'plain_text', text: 'Emergency?' },
      element: {
        type: 'checkboxes',
        action_id: ACTION.breakGlass,
        options: [
          {
            text: { type: 'mrkdwn', text: '*Emergency (break-glass)*' },
            description: {
              type: 'plain_text',
              text: fit(
                `At once, up to ${formatDuration(policy.maxDurationMs)}, no approval; reviewed after, admins told.`,
                LIMITS.optionDescription,
              ),
            },
            value: BREAK_GLASS_VALUE,
          },
        ],
      },
    },
    {
      type: 'input',
      block_id: BLOCK.emergency,
      optional: true,
      label: { type: 'plain_text', text: 'What is the emergency?' },
      hint: { type: 'plain_text', text: 'Required with Emergency: its reviewers and the admins read it.' },
      element: { type: 'plain_text_input', action_id: ACTION.emergency, multiline: true, max_length: maxReasonLength },
    },
  ];
}

/** The emergency checkbox's value. */
export const BREAK_GLASS_VALUE = 'break-glass';

/** What the duration field says will apply: the item's default and cap, or that empty means permanent. */
function durationHint(item: CatalogItem | undefined): string {
  const like = 'Like 30m, 8h or 2d.';
  if (!item) return `${like} Choose a group to see how long its access lasts.`;
  if (item.maxDurationMs === undefined)
    return `${like} Leave empty for permanent access: ${item.title} has no end unless you give one.`;
  const max = formatDuration(item.maxDurationMs);
  if (item.defaultDurationMs !== undefined)
    return `${like} Up to ${max}; left empty, access lasts ${formatDuration(item.defaultDurationMs)}.`;
  return `${like} Required: up to ${max}.`;
}

export function denyModal(request: Request, item: CatalogItem | undefined, maxReasonLength: number): ModalView {
  return reasonModal(
    request,
    item,
    VIEW.deny,
    { title: `Deny ${request.ref}`, submit: 'Deny', label: 'Reason (the requester sees it)' },
    maxReasonLength,
  );
}

/** A modal deciding one request (its id in private_metadata) that asks only a reason, as denying does. */
export function reasonModal(
  request: Request,
  item: CatalogItem | undefined,
  callbackId: string,
  labels: { title: string; submit: string; label: string },
  maxReasonLength: number,
): ModalView {
  return decisionModal(request, item, request.id, callbackId, labels, {
    type: 'input',
    block_id: BLOCK.reason,
    label: { type: 'plain_text', text: labels.label },
    element: { type: 'plain_text_input', action_id: ACTION.reason, multiline: true, max_length: maxReasonLength },
  });
}

/** What an MFA approver attests to, as shown in the modal; recorded word for word in the audit log. */
const MFA_ATTESTATION = {
  statement: 'I verified the requester’s identity out of band',
  how: 'By a call or a face-to-face check, not over Slack.',
} as const;
export const MFA_ATTESTATION_TEXT = `${MFA_ATTESTATION.statement}. ${MFA_ATTESTATION.how}`;

/** MFA resets hand an account to whoever holds the requester's password: the approver attests first. */
/** `stage`: the stage the Approve button was shown for, carried to the submission. */
export function mfaConfirmModal(request: Request, item: CatalogItem | undefined, stage: number | undefined): ModalView {
  const metadata = stage === undefined ? request.id : approveValue(request.id, stage);
  return decisionModal(
    request,
    item,
    metadata,
    VIEW.mfaConfirm,
    { title: `Approve ${request.ref}`, submit: 'Approve' },
    {
      type: 'input',
      block_id: BLOCK.verified,
      label: { type: 'plain_text', text: 'Identity check' },
      element: {
        type: 'checkboxes',
        action_id: ACTION.verified,
        // Slack refuses an option text over 75 characters, checkboxes included (docs/slack.md): the how goes in the description.
        options: [
          {
            text: { type: 'mrkdwn', text: `*${MFA_ATTESTATION.statement}*` },
            description: { type: 'plain_text', text: MFA_ATTESTATION.how },
            value: 'verified',
          },
        ],
      },
    },
  );
}

/** A modal deciding one request (its id, or approve value, in private_metadata): the request, then the one input it needs. */
function decisionModal(
  request: Request,
  item: CatalogItem | undefined,
  metadata: string,
  callbackId: string,
  labels: { title: string; submit: string },
  input: KnownBlock,
): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: { type: 'plain_text', text: fit(labels.title, LIMITS.modalTitle) },
    submit: { type: 'plain_text', text: labels.submit },
    close: { type: 'plain_text', text: 'Back' },
    private_metadata: metadata,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: requestSummary(request, item) } }, input],
  };
}

/** Asking for more time on a grant: a new request through the same approvals, capped by maxDuration. */
export function extendModal(request: Request, item: CatalogItem | undefined, maxReasonLength: number): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.extend,
    title: { type: 'plain_text', text: fit(`Extend ${request.ref}`, LIMITS.modalTitle) },
    submit: { type: 'plain_text', text: 'Ask' },
    close: { type: 'plain_text', text: 'Back' },
    private_metadata: request.id,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: requestSummary(request, item) } },
      {
        type: 'input',
        block_id: BLOCK.duration,
        label: { type: 'plain_text', text: 'How much longer?' },
        hint: { type: 'plain_text', text: 'Like 30m or 2h. Approvers decide, as for the first request.' },
        element: { type: 'plain_text_input', action_id: ACTION.duration, max_length: 16 },
      },
      {
        type: 'input',
        block_id: BLOCK.reason,
        optional: true,
        label: { type: 'plain_text', text: 'Why?' },
        element: { type: 'plain_text_input', action_id: ACTION.reason, multiline: true, max_length: maxReasonLength },
      },
    ],
  };
}

/**
 * A modal that only says something: "working on it" while a submission is decided after its ack, then
 * the outcome; also /iam's first view, opened before anything is looked up (the trigger_id ages fast).
 */
export function noticeModal(title: string, text: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: fit(title, LIMITS.modalTitle) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: fit(text, LIMITS.sectionText) } }],
  };
}
