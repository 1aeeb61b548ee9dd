/** The admins' part of App Home: stuck requests, longest waiting first. Nothing for anyone else. */
import type { KnownBlock } from '@slack/types';
import { itemOf, type BotContext } from './context.ts';
import { adminHomeSection } from './views/waiting.ts';

/** Slack's limit of blocks in a Home tab (docs/slack.md). */
const HOME_BLOCKS = 100;

export async function adminHomeBlocks(
  ctx: Pick<BotContext, 'service' | 'policy'>,
  user: string,
  blocksUsed: number,
): Promise<KnownBlock[]> {
  if (!(await ctx.service.isAdmin(user))) return [];
  return adminHomeSection(await ctx.service.waitingRequests(user), (id) => itemOf(ctx, id), HOME_BLOCKS - blocksUsed);
}
