/**
 * Buttons and modal submissions: approve, deny (with a reason), the MFA identity attestation, the
 * request modal, and the key owner's Reveal / "I have updated my systems". Every click is decided by
 * the workflow with fresh facts; a refused click gets a private explanation.
 *
 * Ack first (docs/slack.md, "The ack path"): nothing that waits on Slack, a provider or the disk runs
 * before `ack()`. A button acks and acts after. A modal submission is checked from its own input and
 * answered at once — field errors, or a "working on it" view — and decided after; the outcome replaces
 * that view, or reaches the person by DM once the modal is gone.
 */
import type { App } from '@slack/bolt';
import type { ErrorField, WorkflowError } from '../domain/errors.ts';
import { WorkflowFailure } from '../domain/errors.ts';
import type { RequestKind } from '../domain/policy.ts';
import { findItem, REQUEST_KINDS } from '../domain/policy.ts';
import { explain, itemOf, openModal, tell, tellPrivately, type BotContext } from './context.ts';
import {
  blockActionBody,
  inputOf,
  suggestionBody,
  viewSubmissionBody,
  type BlockActionBody,
  type ViewSubmissionBody,
} from './payloads.ts';
import { ACTION, BLOCK, VIEW, parseApproveValue } from './views/ids.ts';
import {
  catalogOptions,
  denyModal,
  extendModal,
  MFA_ATTESTATION_TEXT,
  mfaConfirmModal,
  noticeModal,
  REQUEST_MODAL_TITLE,
  requestModal,
} from './views/modals.ts';
import { revealModal } from './views/rotation.ts';
import { emergencyOf } from './emergency-form.ts';
import { approver, fit, headline, LIMITS, ruleApproval } from './views/format.ts';

/** The action ids this module listens to; anything else goes to the fallbacks. */
export const BUTTONS = [
  ACTION.approve,
  ACTION.deny,
  ACTION.release,
  ACTION.extend,
  ACTION.reveal,
  ACTION.rotationDone,
  ACTION.breakGlassConfirm,
  ACTION.breakGlassFlag,
] as const;
export const HANDLED_SELECTS = [ACTION.kind, ACTION.item] as const;
export const HANDLED_OPTIONS = [ACTION.item] as const;

/** Button values are request ids (UUIDs), Approve's with `:stage:N`: anything else was not made by the bot. */
const BUTTON_VALUE = /^[A-Za-z0-9:-]{1,80}$/;
const FORGED =
  'That button carries something I never put in a button, so I did nothing. Use the buttons in my messages, or /iam.';

/** Which block of a form shows a refusal about each field. */
const FIELD_BLOCK: Record<ErrorField, string> = { item: BLOCK.item, duration: BLOCK.duration, reason: BLOCK.reason };

export function registerInteractions(app: App, ctx: BotContext): void {
  onButton(app, ctx, ACTION.approve, async (body, value) => {
    const { requestId, stage } = parseApproveValue(value);
    const request = await ctx.service.find(requestId);
    if (request.operation.kind === 'mfa.reset') {
      // A stale button is told so now, not after the approver attested in a form that could count for nothing.
      await refuseIfStale(
        ctx.service.staleClick(body.user.id, requestId, {
          action: 'approve',
          ...(stage !== undefined ? { stage } : {}),
        }),
      );
      await openModal(ctx, body, mfaConfirmModal(request, itemOf(ctx, request.itemId), stage));
      return;
    }
    await ctx.service.approve(body.user.id, requestId, stage);
  });

  onButton(app, ctx, ACTION.deny, async (body, requestId) => {
    await refuseIfStale(ctx.service.staleClick(body.user.id, requestId, { action: 'deny' }));
    const request = await ctx.service.find(requestId);
    await openModal(ctx, body, denyModal(request, itemOf(ctx, request.itemId), ctx.policy.requests.maxReasonLength));
  });

  onButton(app, ctx, ACTION.release, async (body, requestId) => {
    const request = await ctx.service.release(body.user.id, requestId);
    await tell(ctx, body.user.id, body.channel?.id, `Ending your access from ${request.ref} now.`);
  });

  onButton(app, ctx, ACTION.extend, async (body, requestId) => {
    await refuseIfStale(ctx.service.staleClick(body.user.id, requestId, { action: 'extend' }));
    const request = await ctx.service.find(requestId);
    await openModal(ctx, body, extendModal(request, itemOf(ctx, request.itemId), ctx.policy.requests.maxReasonLength));
  });

  // The Reveal DM loses its button through the notice of the reveal (the outbox), not here: one writer per message, in order.
  onButton(app, ctx, ACTION.reveal, async (body, requestId) => {
    // The secret is spent only once the modal opened: a failed open leaves it revealable (openModal told the owner).
    await ctx.service.revealSecret(body.user.id, requestId, (shown, secret) => {
      const s = shown.status;
      const keyId = s.state === 'executing' && s.rotation && 'newKeyId' in s.rotation ? s.rotation.newKeyId : '';
      return openModal(ctx, body, revealModal(shown, keyId, secret));
    });
  });

  onButton(app, ctx, ACTION.rotationDone, async (body, requestId) => {
    await ctx.service.confirmRotation(body.user.id, requestId);
  });

  // Choosing a kind rebuilds the modal with the fields that kind needs.
  app.action(ACTION.kind, async ({ ack, body }) => {
    await ack();
    const parsed = blockActionBody.safeParse(body);
    if (!parsed.success || !parsed.data.view) return;
    const kind = kindOf(parsed.data.actions[0]?.selected_option?.value);
    const user = parsed.data.user.id;
    const view = parsed.data.view;
    ctx.tasks.run('request modal kind', async () => {
      const kinds = [...new Set((await ctx.service.requestableItems(user)).map((i) => i.kind))];
      const next = requestModal({
        kinds,
        maxReasonLength: ctx.policy.requests.maxReasonLength,
        ...(kind ? { kind } : {}),
      });
      await ctx.client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: next });
    });
  });

  // Choosing a group rebuilds the modal so its duration field says what will apply (the default, the cap, or permanent).
  app.action(ACTION.item, async ({ ack, body }) => {
    await ack();
    const parsed = blockActionBody.safeParse(body);
    if (!parsed.success || !parsed.data.view) return;
    const item = findItem(ctx.policy, parsed.data.actions[0]?.selected_option?.value ?? '');
    const kind = kindOf(metadataKind(parsed.data.view.private_metadata));
    const user = parsed.data.user.id;
    const view = parsed.data.view;
    if (!item || !kind) return;
    ctx.tasks.run('request modal item', async () => {
      const kinds = [...new Set((await ctx.service.requestableItems(user)).map((i) => i.kind))];
      const next = requestModal({ kinds, kind, item, maxReasonLength: ctx.policy.requests.maxReasonLength });
      await ctx.client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: next });
    });
  });

  // The options are the ack itself: they come from what is known now. The submission decides with fresh facts.
  app.options(ACTION.item, async ({ ack, body }) => {
    const parsed = suggestionBody.safeParse(body);
    if (!parsed.success) return ack({ options: [] });
    const kind = kindOf(metadataKind(parsed.data.view?.private_metadata));
    const query = parsed.data.value.trim().toLowerCase();
    const items = ctx.service
      .requestableItemsAsKnown(parsed.data.user.id)
      .filter(
        (item) =>
          (!kind || item.kind === kind) &&
          (query === '' || item.title.toLowerCase().includes(query) || item.id.toLowerCase().includes(query)),
      );
    await ack({ options: catalogOptions(items) });
  });

  app.view(VIEW.request, async ({ ack, body }) => {
    const parsed = viewSubmissionBody.safeParse(body);
    if (!parsed.success) return ack(unreadable(REQUEST_MODAL_TITLE));
    const form = parsed.data;
    const itemId = inputOf(form, BLOCK.item, ACTION.item)?.selected_option?.value;
    if (!itemId)
      return ack(fieldErrors(form, { code: 'invalid_input', field: 'item', message: 'Choose what you need.' }));
    const duration = inputOf(form, BLOCK.duration, ACTION.duration)?.value ?? undefined;
    const emergency = emergencyOf(form, inputOf(form, BLOCK.reason, ACTION.reason)?.value ?? '');
    if ('error' in emergency)
      return ack({ response_action: 'errors', errors: { [BLOCK.emergency]: emergency.error.message } });
    const command = {
      requester: form.user.id,
      itemId,
      reason: emergency.reason,
      submissionKey: form.view.id,
      ...(duration ? { duration } : {}),
      ...(emergency.breakGlass ? { breakGlass: true } : {}),
    };
    const refused = ctx.service.check(command);
    // An emergency's reason is what the emergency is.
    if (refused) return ack(fieldErrors(form, refused, emergency.breakGlass ? { reason: BLOCK.emergency } : {}));
    await ack(working(form, REQUEST_MODAL_TITLE, 'Submitting your request…'));
    decideAfterAck(ctx, form, REQUEST_MODAL_TITLE, 'submit the request', async () => {
      const request = await ctx.service.submit(command);
      const head = headline(request, itemOf(ctx, request.itemId));
      if (request.breakGlass)
        return `${head} is granted at once as an emergency (break-glass): carrying it out now. *${request.breakGlass.reviewers}* will review it, and the admins were told.`;
      const rule = ruleApproval(request);
      if (!rule) return `${head} is submitted. I will message you as it goes.`;
      return request.status.state === 'pending'
        ? `${head} is submitted; ${approver(rule)} approved its first stage. I will message you as it goes.`
        : `${head} is approved by ${approver(rule)}: carrying it out now. I will message you as it goes.`;
    });
  });

  app.view(VIEW.deny, async ({ ack, body }) => {
    const parsed = viewSubmissionBody.safeParse(body);
    if (!parsed.success) return ack(unreadable('Deny'));
    const form = parsed.data;
    const reason = inputOf(form, BLOCK.reason, ACTION.reason)?.value ?? '';
    const refused = ctx.service.checkDenial(reason);
    if (refused) return ack(fieldErrors(form, refused));
    const title = titleOf(form, 'Deny');
    await ack(working(form, title, 'Recording your denial…'));
    decideAfterAck(ctx, form, title, 'deny the request', async () => {
      const request = await ctx.service.deny(form.user.id, form.view.private_metadata, reason);
      return `${request.ref} is denied; the requester is told why.`;
    });
  });

  app.view(VIEW.extend, async ({ ack, body }) => {
    const parsed = viewSubmissionBody.safeParse(body);
    if (!parsed.success) return ack(unreadable('Extend'));
    const form = parsed.data;
    const duration = inputOf(form, BLOCK.duration, ACTION.duration)?.value ?? '';
    const reason = inputOf(form, BLOCK.reason, ACTION.reason)?.value ?? '';
    const refused = ctx.service.checkExtension(duration, reason);
    if (refused) return ack(fieldErrors(form, refused));
    const title = titleOf(form, 'Extend');
    await ack(working(form, title, 'Asking for more time…'));
    decideAfterAck(ctx, form, title, 'ask for an extension', async () => {
      const extension = await ctx.service.extend(form.user.id, form.view.private_metadata, duration, reason);
      return `${extension.ref} asks for ${duration} more; the approvers were asked.`;
    });
  });

  app.view(VIEW.mfaConfirm, async ({ ack, body }) => {
    const parsed = viewSubmissionBody.safeParse(body);
    if (!parsed.success) return ack(unreadable('Approve'));
    const form = parsed.data;
    const checked =
      inputOf(form, BLOCK.verified, ACTION.verified)?.selected_options?.some((o) => o.value === 'verified') ?? false;
    if (!checked)
      return ack({
        response_action: 'errors',
        errors: { [BLOCK.verified]: 'Confirm that you verified the requester’s identity, or go back.' },
      });
    const { requestId, stage } = parseApproveValue(form.view.private_metadata);
    const title = titleOf(form, 'Approve');
    await ack(working(form, title, 'Recording your approval…'));
    decideAfterAck(ctx, form, title, 'approve the request', async () => {
      const request = await ctx.service.approve(form.user.id, requestId, stage, MFA_ATTESTATION_TEXT);
      return `You approved ${request.ref}.`;
    });
  });
}

type ModalAnswer =
  | { response_action: 'errors'; errors: Record<string, string> }
  | { response_action: 'update'; view: ReturnType<typeof noticeModal> };

/**
 * A refusal shown on its field. Slack accepts an `errors` key only for an input block of the submitted
 * view; a refusal whose field is not there (a form submitted before it grew) goes on the first input.
 */
export function fieldErrors(
  form: ViewSubmissionBody,
  error: WorkflowError,
  blocks: Partial<Record<ErrorField, string>> = {},
): ModalAnswer {
  const inputs = form.view.blocks
    .filter((b) => b.type === 'input' && b.block_id !== undefined)
    .map((b) => b.block_id as string);
  const wanted = error.field ? (blocks[error.field] ?? FIELD_BLOCK[error.field]) : undefined;
  const block = wanted && inputs.includes(wanted) ? wanted : inputs[0];
  if (block === undefined)
    return { response_action: 'update', view: noticeModal(titleOf(form, 'iam-bot'), error.message) };
  return { response_action: 'errors', errors: { [block]: error.message } };
}

export function working(form: ViewSubmissionBody, title: string, text: string): ModalAnswer {
  return { response_action: 'update', view: noticeModal(titleOf(form, title), text) };
}

export function unreadable(title: string): ModalAnswer {
  return {
    response_action: 'update',
    view: noticeModal(title, 'Slack sent something I could not read, so nothing was done. Please start again.'),
  };
}

export function titleOf(form: ViewSubmissionBody, fallback: string): string {
  return form.view.title?.text ?? fallback;
}

/**
 * The decision after the ack: its outcome (or refusal) replaces the "working" view; when that view is
 * gone (closed), the person hears by DM instead — an outcome is never only logged.
 */
export function decideAfterAck(
  ctx: BotContext,
  form: ViewSubmissionBody,
  title: string,
  what: string,
  decide: () => Promise<string>,
): void {
  const user = form.user.id;
  ctx.tasks.run(what, async () => {
    let text: string;
    try {
      text = await decide();
    } catch (error) {
      text = `${explain(ctx, error, what)}${error instanceof WorkflowFailure ? ' Nothing was done.' : ''}`;
    }
    try {
      await ctx.client.views.update({ view_id: form.view.id, view: noticeModal(title, text) });
    } catch (error) {
      ctx.log.info({ err: error, what }, 'the modal could not show the outcome: telling by DM');
      await ctx.dms.post(user, {
        text,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: fit(text, LIMITS.sectionText) } }],
      });
    }
  });
}

/** A button whose value is a request id: ack at once, act in the background, explain a refusal privately. */
export function onButton(
  app: App,
  ctx: BotContext,
  actionId: string,
  act: (body: BlockActionBody, requestId: string) => Promise<void>,
): void {
  app.action(actionId, async ({ ack, body }) => {
    await ack();
    const parsed = blockActionBody.safeParse(body);
    const requestId = parsed.success ? parsed.data.actions[0]?.value : undefined;
    if (!parsed.success || requestId === undefined || !BUTTON_VALUE.test(requestId)) {
      ctx.log.warn(
        { actionId, issues: parsed.success ? [] : parsed.error.issues.slice(0, 3) },
        'refused a block action with a malformed or forged value',
      );
      tellPrivately(ctx, body, FORGED);
      return;
    }
    const click = parsed.data;
    ctx.tasks.run(actionId, async () => {
      try {
        await act(click, requestId);
      } catch (error) {
        await tell(ctx, click.user.id, click.channel?.id, explain(ctx, error, 'do that'));
      }
    });
  });
}

/** A click on a button that no longer means anything: the refusal, thrown to be told privately; nothing opens. */
export async function refuseIfStale(stale: Promise<WorkflowError | undefined>): Promise<void> {
  const refused = await stale;
  if (refused) throw new WorkflowFailure(refused);
}

function kindOf(value: string | undefined): RequestKind | undefined {
  return REQUEST_KINDS.find((k) => k === value);
}

function metadataKind(metadata: string | undefined): string | undefined {
  try {
    const value = JSON.parse(metadata ?? '{}') as { kind?: unknown };
    return typeof value.kind === 'string' ? value.kind : undefined;
  } catch {
    return undefined;
  }
}
