/** The App Home tab, published when someone opens it. */
import type { App } from '@slack/bolt';
import { isClosed } from '../domain/request.ts';
import { itemOf, type BotContext } from './context.ts';
import { homeView } from './views/home.ts';

export function registerAppHome(app: App, ctx: BotContext): void {
  app.event('app_home_opened', async ({ event, context }) => {
    // Slack redelivers an event it thinks was not acknowledged in time; the first delivery already published.
    if (event.tab !== 'home' || context.retryNum) return;
    const user = event.user;
    ctx.tasks.run('app home', async () => {
      const mine = (await ctx.service.history(user)).filter((r) => !isClosed(r)).reverse();
      const toApprove = await ctx.service.pendingFor(user);
      await ctx.client.views.publish({ user_id: user, view: homeView(mine, toApprove, (id) => itemOf(ctx, id)) });
    });
  });
}
