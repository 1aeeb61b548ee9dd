/** What every Slack handler works with, and how it answers one person privately. */
import type { WorkflowError } from '../domain/errors.ts';
import { WorkflowFailure } from '../domain/errors.ts';
import { findItem, type CatalogItem, type Policy } from '../domain/policy.ts';
import type { Logger } from '../log.ts';
import type { Tasks } from '../shared/tasks.ts';
import type { WorkflowService } from '../workflow/service.ts';
import type { DmChannels, SlackClient } from './client.ts';

export interface BotContext {
  service: WorkflowService;
  policy: Policy;
  client: SlackClient;
  dms: DmChannels;
  tasks: Tasks;
  log: Logger;
}

export function itemOf(ctx: BotContext, id: string): CatalogItem | undefined {
  return findItem(ctx.policy, id);
}

/** An ephemeral line where the person clicked, or a DM when there is no channel (the App Home). */
export async function tell(ctx: BotContext, user: string, channel: string | undefined, text: string): Promise<void> {
  if (channel) await ctx.client.chat.postEphemeral({ channel, user, text });
  else await ctx.dms.post(user, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
}

/** The workflow's refusal, for the person; anything else is logged and answered generically. */
export function explain(ctx: BotContext, error: unknown, what: string): string {
  if (error instanceof WorkflowFailure) return error.error.message;
  ctx.log.error({ err: error, what }, 'Slack handler failed');
  return `Something went wrong while trying to ${what}. Nothing was changed; the details are in the bot log.`;
}

export function refusal(error: unknown): WorkflowError | undefined {
  return error instanceof WorkflowFailure ? error.error : undefined;
}
