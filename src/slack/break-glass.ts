/**
 * The reviewers' buttons on a break-glass use: Confirm, and Flag (which opens a modal asking why). Ack
 * first; the workflow re-checks every click (a reviewer now, not the requester, not reviewed yet), and a
 * click that changes nothing — stale, repeated, not theirs — is explained privately.
 */
import type { App } from '@slack/bolt';
import { itemOf, openModal, tell, type BotContext } from './context.ts';
import { decideAfterAck, fieldErrors, onButton, refuseIfStale, titleOf, unreadable, working } from './interactions.ts';
import { inputOf, viewSubmissionBody } from './payloads.ts';
import { flagModal } from './views/break-glass.ts';
import { ACTION, BLOCK, VIEW } from './views/ids.ts';

export function registerBreakGlass(app: App, ctx: BotContext): void {
  onButton(app, ctx, ACTION.breakGlassConfirm, async (body, requestId) => {
    const request = await ctx.service.reviewBreakGlass(body.user.id, requestId, { verdict: 'confirm' });
    await tell(ctx, body.user.id, body.channel?.id, `You confirmed ${request.ref}'s break-glass use.`);
  });

  onButton(app, ctx, ACTION.breakGlassFlag, async (body, requestId) => {
    // A stale button is told so now, not after the reviewer wrote a reason that could count for nothing.
    await refuseIfStale(ctx.service.staleBreakGlassReview(body.user.id, requestId));
    const request = await ctx.service.find(requestId);
    await openModal(ctx, body, flagModal(request, itemOf(ctx, request.itemId), ctx.policy.requests.maxReasonLength));
  });

  app.view(VIEW.breakGlassFlag, async ({ ack, body }) => {
    const parsed = viewSubmissionBody.safeParse(body);
    if (!parsed.success) return ack(unreadable('Flag'));
    const form = parsed.data;
    const reason = inputOf(form, BLOCK.reason, ACTION.reason)?.value ?? '';
    const refused =
      reason.trim() === ''
        ? {
            code: 'invalid_input' as const,
            field: 'reason' as const,
            message: 'Flagging needs a reason: the admins act on it.',
          }
        : ctx.service.checkDenial(reason);
    if (refused) return ack(fieldErrors(form, refused));
    const title = titleOf(form, 'Flag');
    await ack(working(form, title, 'Recording your flag…'));
    decideAfterAck(ctx, form, title, 'flag the break-glass use', async () => {
      const request = await ctx.service.reviewBreakGlass(form.user.id, form.view.private_metadata, {
        verdict: 'flag',
        reason,
      });
      return `You flagged ${request.ref}'s break-glass use; the admins were told.`;
    });
  });
}
