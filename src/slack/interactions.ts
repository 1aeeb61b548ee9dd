/**
 * Buttons and modal submissions: approve, deny (with a reason), the MFA identity attestation, the
 * request modal, and the key owner's Reveal / "I have updated my systems". Every click is decided by
 * the workflow with fresh facts; a refused click gets a private explanation.
 */
import type { App } from '@slack/bolt';
import { WorkflowFailure } from '../domain/errors.ts';
import type { RequestKind } from '../domain/policy.ts';
import { REQUEST_KINDS } from '../domain/policy.ts';
import { explain, itemOf, refusal, tell, type BotContext } from './context.ts';
import { blockActionBody, inputOf, suggestionBody, viewSubmissionBody, type BlockActionBody, type ViewSubmissionBody } from './payloads.ts';
import { ACTION, BLOCK, VIEW, parseApproveValue } from './views/ids.ts';
import { denyModal, extendModal, mfaConfirmModal, requestModal } from './views/modals.ts';
import { revealedMessage, revealModal, rotationSettledMessage } from './views/rotation.ts';
import { LIMITS, truncate } from './views/format.ts';

const MAX_OPTIONS = 100;

export function registerInteractions(app: App, ctx: BotContext): void {
  onButton(app, ctx, ACTION.approve, async (body, value) => {
    const { requestId, stage } = parseApproveValue(value);
    const request = await ctx.service.find(requestId);
    if (request.operation.kind === 'mfa.reset') {
      await ctx.client.views.open({ trigger_id: body.trigger_id ?? '', view: mfaConfirmModal(request, itemOf(ctx, request.itemId), stage) });
      return;
    }
    await ctx.service.approve(body.user.id, requestId, stage);
  });

  onButton(app, ctx, ACTION.deny, async (body, requestId) => {
    const request = await ctx.service.find(requestId);
    await ctx.client.views.open({ trigger_id: body.trigger_id ?? '', view: denyModal(request, itemOf(ctx, request.itemId), ctx.policy.requests.maxReasonLength) });
  });

  onButton(app, ctx, ACTION.release, async (body, requestId) => {
    const request = await ctx.service.release(body.user.id, requestId);
    await tell(ctx, body.user.id, body.channel?.id, `Ending your access from ${request.ref} now.`);
  });

  onButton(app, ctx, ACTION.extend, async (body, requestId) => {
    const request = await ctx.service.find(requestId);
    await ctx.client.views.open({ trigger_id: body.trigger_id ?? '', view: extendModal(request, itemOf(ctx, request.itemId), ctx.policy.requests.maxReasonLength) });
  });

  onButton(app, ctx, ACTION.reveal, async (body, requestId) => {
    const { request, secret } = await ctx.service.revealSecret(body.user.id, requestId);
    const s = request.status;
    const keyId = s.state === 'executing' && s.rotation && 'newKeyId' in s.rotation ? s.rotation.newKeyId : '';
    await ctx.client.views.open({ trigger_id: body.trigger_id ?? '', view: revealModal(request, keyId, secret) });
    if (body.channel && body.message) {
      await ctx.client.chat.update({ channel: body.channel.id, ts: body.message.ts, ...revealedMessage(request, itemOf(ctx, request.itemId)) });
    }
  });

  onButton(app, ctx, ACTION.rotationDone, async (body, requestId) => {
    const request = await ctx.service.confirmRotation(body.user.id, requestId);
    if (body.channel && body.message) {
      const message = rotationSettledMessage(request, itemOf(ctx, request.itemId), 'Thanks. Retiring your old key now; you will hear when it is done.');
      await ctx.client.chat.update({ channel: body.channel.id, ts: body.message.ts, ...message });
    }
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
      const next = requestModal({ kinds, maxReasonLength: ctx.policy.requests.maxReasonLength, ...(kind ? { kind } : {}) });
      await ctx.client.views.update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: next });
    });
  });

  app.options(ACTION.item, async ({ ack, body }) => {
    const parsed = suggestionBody.safeParse(body);
    if (!parsed.success) return ack({ options: [] });
    const kind = kindOf(metadataKind(parsed.data.view?.private_metadata));
    const query = parsed.data.value.trim().toLowerCase();
    const items = (await ctx.service.requestableItems(parsed.data.user.id)).filter(
      (item) => (!kind || item.kind === kind) && (query === '' || item.title.toLowerCase().includes(query) || item.id.toLowerCase().includes(query)),
    );
    await ack({
      options: items.slice(0, MAX_OPTIONS).map((item) => ({
        text: { type: 'plain_text' as const, text: truncate(`${item.title} (${item.provider})`, LIMITS.optionText) },
        value: item.id,
      })),
    });
  });

  app.view(VIEW.request, async ({ ack, body }) => {
    const parsed = viewSubmissionBody.safeParse(body);
    if (!parsed.success) return ack({ response_action: 'errors', errors: { [BLOCK.kind]: 'Slack sent something I could not read; please try again.' } });
    const form = parsed.data;
    const itemId = inputOf(form, BLOCK.item, ACTION.item)?.selected_option?.value;
    if (!itemId) return ack({ response_action: 'errors', errors: { [BLOCK.item]: 'Choose what you need.' } });
    try {
      const duration = inputOf(form, BLOCK.duration, ACTION.duration)?.value ?? undefined;
      await ctx.service.submit({
        requester: form.user.id,
        itemId,
        reason: inputOf(form, BLOCK.reason, ACTION.reason)?.value ?? '',
        submissionKey: form.view.id,
        ...(duration ? { duration } : {}),
      });
      await ack();
    } catch (error) {
      const refused = refusal(error);
      if (!refused) {
        await ack({ response_action: 'errors', errors: { [BLOCK.item]: explain(ctx, error, 'submit the request') } });
        return;
      }
      await ack({ response_action: 'errors', errors: { [fieldOf(refused.message, form)]: refused.message } });
    }
  });

  app.view(VIEW.deny, async ({ ack, body }) => {
    const parsed = viewSubmissionBody.safeParse(body);
    if (!parsed.success) return ack({ response_action: 'errors', errors: { [BLOCK.reason]: 'Slack sent something I could not read; please try again.' } });
    const reason = inputOf(parsed.data, BLOCK.reason, ACTION.reason)?.value ?? '';
    await decideInModal(ctx, (errors) => (errors ? ack({ response_action: 'errors', errors }) : ack()), BLOCK.reason, 'deny the request', () =>
      ctx.service.deny(parsed.data.user.id, parsed.data.view.private_metadata, reason),
    );
  });

  app.view(VIEW.extend, async ({ ack, body }) => {
    const parsed = viewSubmissionBody.safeParse(body);
    if (!parsed.success) return ack({ response_action: 'errors', errors: { [BLOCK.duration]: 'Slack sent something I could not read; please try again.' } });
    const duration = inputOf(parsed.data, BLOCK.duration, ACTION.duration)?.value ?? '';
    const reason = inputOf(parsed.data, BLOCK.reason, ACTION.reason)?.value ?? '';
    await decideInModal(ctx, (errors) => (errors ? ack({ response_action: 'errors', errors }) : ack()), BLOCK.duration, 'ask for an extension', () =>
      ctx.service.extend(parsed.data.user.id, parsed.data.view.private_metadata, duration, reason),
    );
  });

  app.view(VIEW.mfaConfirm, async ({ ack, body }) => {
    const parsed = viewSubmissionBody.safeParse(body);
    if (!parsed.success) return ack({ response_action: 'errors', errors: { [BLOCK.verified]: 'Slack sent something I could not read; please try again.' } });
    const checked = inputOf(parsed.data, BLOCK.verified, ACTION.verified)?.selected_options?.some((o) => o.value === 'verified') ?? false;
    if (!checked) return ack({ response_action: 'errors', errors: { [BLOCK.verified]: 'Confirm that you verified the requester’s identity, or go back.' } });
    const { requestId, stage } = parseApproveValue(parsed.data.view.private_metadata);
    await decideInModal(ctx, (errors) => (errors ? ack({ response_action: 'errors', errors }) : ack()), BLOCK.verified, 'approve the request', () =>
      ctx.service.approve(parsed.data.user.id, requestId, stage),
    );
  });
}

/** A decision made from a modal: refusals show on the modal's field, success closes it. */
async function decideInModal(
  ctx: BotContext,
  answer: (errors?: Record<string, string>) => Promise<void>,
  block: string,
  what: string,
  decide: () => Promise<unknown>,
): Promise<void> {
  try {
    await decide();
    await answer();
  } catch (error) {
    await answer({ [block]: explain(ctx, error, what) });
  }
}

/** A button whose value is a request id: ack at once, act in the background, explain a refusal privately. */
function onButton(app: App, ctx: BotContext, actionId: string, act: (body: BlockActionBody, requestId: string) => Promise<void>): void {
  app.action(actionId, async ({ ack, body }) => {
    await ack();
    const parsed = blockActionBody.safeParse(body);
    if (!parsed.success) {
      ctx.log.warn({ actionId, issues: parsed.error.issues.slice(0, 3) }, 'ignored a malformed block action');
      return;
    }
    const requestId = parsed.data.actions[0]?.value;
    if (!requestId) return;
    ctx.tasks.run(actionId, async () => {
      try {
        await act(parsed.data, requestId);
      } catch (error) {
        const text = error instanceof WorkflowFailure ? error.error.message : explain(ctx, error, 'do that');
        await tell(ctx, parsed.data.user.id, parsed.data.channel?.id, text);
      }
    });
  });
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

/** Which field of the request modal a refusal is about, so Slack shows it there. */
function fieldOf(message: string, form: ViewSubmissionBody): string {
  const has = (block: string) => block in form.view.state.values;
  if (/duration|longer than|time-bound/i.test(message) && has(BLOCK.duration)) return BLOCK.duration;
  if (/reason/i.test(message) && has(BLOCK.reason)) return BLOCK.reason;
  return BLOCK.item;
}
