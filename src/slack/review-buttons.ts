/**
 * The buttons of an access review's message: Keep / Remove per member, and the pages of a large group.
 * Ack first (docs/slack.md, "The ack path"): each click is acknowledged before anything is read or
 * written, then decided by the workflow with fresh facts (only the group's reviewers, once per member,
 * before the deadline). A click that changes nothing — stale, repeated, not a reviewer's — is explained
 * to the clicker alone; the message itself is updated by the decision's notice, for every reviewer.
 */
import type { App } from '@slack/bolt';
import { findItem } from '../domain/policy.ts';
import type { Verdict } from '../domain/review.ts';
import { explain, tell, tellPrivately, type BotContext } from './context.ts';
import { blockActionBody, type BlockActionBody } from './payloads.ts';
import { ACTION, parseReviewValue } from './views/ids.ts';
import { pageCount, reviewMessage } from './views/review.ts';
import { IamBotError } from '../shared/errors.ts';

/** The page buttons' action ids: one per button of the pager (Previous, Next). */
const PAGE_ACTIONS = [`${ACTION.reviewPage}:0`, `${ACTION.reviewPage}:1`] as const;

/** The action ids this module listens to, for the fallbacks. */
export const REVIEW_BUTTONS = [ACTION.reviewKeep, ACTION.reviewRemove, ...PAGE_ACTIONS] as const;

const FORGED =
  'That button carries something I never put in a review button, so I did nothing. Use the buttons of the review message.';

interface Click {
  body: BlockActionBody;
  user: string;
  channel: string | undefined;
  reviewId: string;
  n: number;
}

export function registerReviewButtons(app: App, ctx: BotContext): void {
  const verdicts: [string, Verdict][] = [
    [ACTION.reviewKeep, 'keep'],
    [ACTION.reviewRemove, 'remove'],
  ];
  for (const [actionId, verdict] of verdicts) {
    onReviewButton(app, ctx, actionId, async (click) => {
      const reviews = ctx.reviews;
      if (!reviews) throw new IamBotError('internal', 'access reviews are not wired');
      await reviews.decide(click.user, click.reviewId, click.n, verdict);
    });
  }
  for (const actionId of PAGE_ACTIONS) {
    onReviewButton(app, ctx, actionId, async (click) => {
      const reviews = ctx.reviews;
      const ts = click.body.message?.ts;
      if (!reviews || !ctx.showReviewPage || !click.channel || !ts)
        throw new IamBotError('internal', 'review pages are not wired');
      const review = await reviews.get(click.reviewId);
      // Only a reviewer's own message has pages: anyone else is told, and nothing moves.
      if (!review.reviewers.includes(click.user)) {
        await tell(ctx, click.user, click.channel, `You are not a reviewer of ${review.ref}.`);
        return;
      }
      const page = Math.min(click.n, pageCount(review, click.user) - 1);
      const message = reviewMessage(review, findItem(ctx.policy, review.itemId), click.user, page);
      await ctx.showReviewPage(review.id, { channel: click.channel, ts, user: click.user, page }, message);
    });
  }
}

function onReviewButton(app: App, ctx: BotContext, actionId: string, act: (click: Click) => Promise<void>): void {
  app.action(actionId, async ({ ack, body }) => {
    await ack();
    const parsed = blockActionBody.safeParse(body);
    const value = parsed.success ? parseReviewValue(parsed.data.actions[0]?.value ?? '') : undefined;
    if (!parsed.success || !value) {
      ctx.log.warn({ actionId }, 'refused a review button with a malformed or forged value');
      tellPrivately(ctx, body, FORGED);
      return;
    }
    const click: Click = {
      body: parsed.data,
      user: parsed.data.user.id,
      channel: parsed.data.channel?.id,
      reviewId: value.reviewId,
      n: value.n,
    };
    ctx.tasks.run(actionId, async () => {
      try {
        await act(click);
      } catch (error) {
        await tell(ctx, click.user, click.channel, explain(ctx, error, 'record your review decision'));
      }
    });
  });
}
