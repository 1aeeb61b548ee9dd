/** The App Home tab: published when someone opens it, and again by the notifier whenever a change concerns them. */
import type { App } from '@slack/bolt';
import { adminHomeBlocks } from './admin-home.ts';
import { itemOf, type BotContext } from './context.ts';
import { homeView } from './views/home.ts';

/** Builds `user`'s Home from the requests as they stand now, and publishes it. */
export async function publishHome(ctx: Pick<BotContext, 'service' | 'policy' | 'client'>, user: string): Promise<void> {
  const mine = await ctx.service.openRequestsOf(user);
  const toApprove = await ctx.service.pendingFor(user);
  const view = homeView(mine, toApprove, (id) => itemOf(ctx, id));
  view.blocks.push(...(await adminHomeBlocks(ctx, user, view.blocks.length)));
  await ctx.client.views.publish({ user_id: user, view });
}

export function registerAppHome(app: App, ctx: BotContext): void {
  // Per person: whether the tab was opened again while its refresh was under way (then one more follows).
  const refreshing = new Map<string, boolean>();

  app.event('app_home_opened', async ({ event, context }) => {
    // Slack redelivers an event it thinks was not acknowledged in time; the first delivery already published.
    if (event.tab !== 'home' || context.retryNum) return;
    const user = event.user;
    // Opens that come while a refresh is under way share one more refresh: the work behind acks stays bounded.
    if (refreshing.has(user)) {
      refreshing.set(user, true);
      return;
    }
    refreshing.set(user, false);
    ctx.tasks.run('app home', async () => {
      try {
        do {
          refreshing.set(user, false);
          await publishHome(ctx, user);
        } while (refreshing.get(user));
      } finally {
        refreshing.delete(user);
      }
    });
  });
}
