/** What every Slack handler works with, and how it answers one person privately. */
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import { WorkflowFailure } from '../domain/errors.ts';
import { findItem, type CatalogItem, type Policy } from '../domain/policy.ts';
import type { Logger } from '../log.ts';
import type { Tasks } from '../shared/tasks.ts';
import type { WorkflowService } from '../workflow/service.ts';
import type { ReviewService } from '../workflow/review-service.ts';
import type { ReviewDmRef } from '../workflow/ports.ts';
import type { Message } from './views/approval.ts';
import type { DmChannels, SlackClient } from './client.ts';

export interface BotContext {
  service: WorkflowService;
  policy: Policy;
  client: SlackClient;
  /** For views.open with a trigger_id: never retried, never queued behind a rate limit (see createTriggerClient). */
  triggers: SlackClient;
  dms: DmChannels;
  tasks: Tasks;
  log: Logger;
  /** Access reviews: the Keep / Remove buttons decide through it (absent: the buttons say nothing was done). */
  reviews?: ReviewService;
  /** Shows another page of a reviewer's review message (the notifier keeps which page each message shows). */
  showReviewPage?: (reviewId: string, ref: ReviewDmRef, message: Message) => Promise<void>;
}

export function itemOf(ctx: Pick<BotContext, 'policy'>, id: string): CatalogItem | undefined {
  return findItem(ctx.policy, id);
}

/** An ephemeral line where the person clicked, or a DM when there is no channel (the App Home). */
export async function tell(ctx: BotContext, user: string, channel: string | undefined, text: string): Promise<void> {
  if (channel) await ctx.client.chat.postEphemeral({ channel, user, text });
  else await ctx.dms.post(user, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
}

const who = z
  .object({
    user: z.object({ id: z.string().min(1) }).loose(),
    channel: z.object({ id: z.string() }).loose().nullish(),
  })
  .loose();

/** `tell`, after the ack, from a payload not otherwise parsed (a fallback, a forged click): whoever is in it. */
export function tellPrivately(ctx: BotContext, body: unknown, text: string): void {
  const parsed = who.safeParse(body);
  if (!parsed.success) {
    ctx.log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'an interaction without a user: nobody to tell');
    return;
  }
  const { user, channel } = parsed.data;
  ctx.tasks.run('tell', () => tell(ctx, user.id, channel?.id ?? undefined, text));
}

/**
 * Opens a modal with the trigger_id of the interaction being answered, through the trigger client. A
 * refused open (the trigger expired, Slack rate limited it) is not retried: the person is told to
 * click again instead of waiting for nothing.
 */
export async function openModal(
  ctx: BotContext,
  body: { user: { id: string }; channel?: { id: string } | undefined; trigger_id?: string | undefined },
  view: ModalView,
): Promise<boolean> {
  try {
    await ctx.triggers.views.open({ trigger_id: body.trigger_id ?? '', view });
    return true;
  } catch (error) {
    ctx.log.warn({ err: error }, 'views.open refused');
    await tell(
      ctx,
      body.user.id,
      body.channel?.id,
      'Slack did not let me open the form in time (it may be busy). Nothing was done; please try again.',
    );
    return false;
  }
}

/** The workflow's refusal, for the person; anything else is logged and answered generically. */
export function explain(ctx: BotContext, error: unknown, what: string): string {
  if (error instanceof WorkflowFailure) return error.error.message;
  ctx.log.error({ err: error, what }, 'Slack handler failed');
  return `Something went wrong while trying to ${what}. Nothing was changed; the details are in the bot log.`;
}
