/** `/iam` and its sub-commands. Every answer is ephemeral; anything unknown gets the help. */
import type { App } from '@slack/bolt';
import { formatRef } from '../domain/ids.ts';
import type { RequestKind } from '../domain/policy.ts';
import type { Request } from '../domain/request.ts';
import { explain, itemOf, type BotContext } from './context.ts';
import { approver, escape, headline, peopleOutcomeLine, stateLabel } from './views/format.ts';
import { helpText } from './views/help.ts';
import { waitingList } from './views/waiting.ts';
import { noticeModal, REQUEST_MODAL_TITLE, requestModal } from './views/modals.ts';

const MAX_LINES = 15;
const MAX_COMMAND_TEXT = 200;

export function registerCommands(app: App, ctx: BotContext): void {
  app.command('/iam', async ({ command, ack, respond }) => {
    // Nothing /iam understands is long; a long text is answered with the help, unread.
    const text = command.text.length <= MAX_COMMAND_TEXT ? command.text.trim() : 'help';
    const [sub = '', ...args] = text.split(/\s+/).filter(Boolean);
    const known = ['', 'status', 'history', 'pending', 'cancel', 'retry', 'release', 'extend'];
    // Help needs no work: it goes back in the acknowledgement itself, with no second round-trip.
    if (!known.includes(sub.toLowerCase())) {
      await ack({
        response_type: 'ephemeral',
        text: sub.toLowerCase() === 'help' ? helpText() : helpText(text.slice(0, 100)),
      });
      return;
    }
    await ack();
    const user = command.user_id;
    const reply = (text: string) => respond({ response_type: 'ephemeral', text });
    ctx.tasks.run('/iam', async () => {
      try {
        switch (sub.toLowerCase()) {
          case '':
            return await openRequestModal(ctx, user, command.trigger_id, reply);
          case 'status':
            return await reply(await status(ctx, user, args[0]));
          case 'history':
            return await reply(list('Your requests', (await ctx.service.history(user)).reverse(), ctx));
          case 'pending':
            if (args[0]?.toLowerCase() === '--all')
              return await reply(
                waitingList(await ctx.service.waitingRequests(user), (id) => itemOf(ctx, id), MAX_LINES),
              );
            return await reply(list('Waiting for your approval', await ctx.service.pendingFor(user), ctx));
          case 'cancel':
            if (!args[0]) return await reply('Which request? `/iam cancel REQ-0042`');
            return await reply(`${(await ctx.service.cancel(user, args[0])).ref} is cancelled.`);
          case 'retry':
            if (!args[0]) return await reply('Which request? `/iam retry REQ-0042`');
            return await reply(`${(await ctx.service.retry(user, args[0])).ref} will be tried again.`);
          case 'release':
            if (!args[0]) return await reply('Which grant? `/iam release REQ-0042`');
            return await reply(`Ending your access from ${(await ctx.service.release(user, args[0])).ref} now.`);
          case 'extend': {
            const [ref, duration, ...why] = args;
            if (!ref || !duration)
              return await reply('Which grant, for how much longer? `/iam extend REQ-0042 2h [why]`');
            const extension = await ctx.service.extend(user, ref, duration, why.join(' '));
            return await reply(
              `${extension.ref} asks to extend ${ref.toUpperCase()} by ${duration}; the approvers were asked.`,
            );
          }
        }
      } catch (error) {
        await reply(explain(ctx, error, `run /iam ${sub}`));
      }
    });
  });
}

/**
 * Opens the request modal at once — the trigger_id serves once within 3 s, and looking people up first
 * could take longer (a 429 on usergroups.users.list) — then fills it with views.update.
 */
async function openRequestModal(
  ctx: BotContext,
  user: string,
  triggerId: string,
  reply: (text: string) => Promise<unknown>,
): Promise<void> {
  let opened: { id: string; hash?: string };
  try {
    const answer = await ctx.triggers.views.open({
      trigger_id: triggerId,
      view: noticeModal(REQUEST_MODAL_TITLE, 'Looking up what you may request…'),
    });
    opened = { id: answer.view?.id ?? '', ...(answer.view?.hash ? { hash: answer.view.hash } : {}) };
  } catch (error) {
    ctx.log.warn({ err: error }, 'views.open refused for /iam');
    await reply('Slack did not let me open the form in time (it may be busy). Nothing was done; run /iam again.');
    return;
  }
  const items = await ctx.service.requestableItems(user);
  const kinds = [...new Set(items.map((i) => i.kind))] as RequestKind[];
  const view =
    kinds.length === 0
      ? noticeModal(
          REQUEST_MODAL_TITLE,
          'There is nothing in the catalog you may request. Ask your IAM admins if you think there should be.',
        )
      : requestModal({ kinds, maxReasonLength: ctx.policy.requests.maxReasonLength });
  await ctx.client.views.update({ view_id: opened.id, ...(opened.hash ? { hash: opened.hash } : {}), view });
}

async function status(ctx: BotContext, user: string, ref: string | undefined): Promise<string> {
  if (!ref) return list('Your recent requests', (await ctx.service.history(user)).reverse().slice(0, 5), ctx);
  const request = await ctx.service.findFor(user, ref);
  const item = itemOf(ctx, request.itemId);
  const lines = [headline(request, item), stateLabel(request)];
  if (request.approvals.length > 0) lines.push(`Approvals: ${request.approvals.map(approver).join(', ')}`);
  // Messages cut long reasons to fit their blocks; here they are whole (a reply's text takes 40,000 characters).
  if (request.reason) lines.push(`Reason: ${escape(request.reason)}`);
  const outcome = peopleOutcomeLine(request, item);
  if (outcome) lines.push(outcome);
  return lines.join('\n');
}

function list(title: string, requests: readonly Request[], ctx: BotContext): string {
  if (requests.length === 0) return `${title}: none.`;
  const lines = requests.slice(0, MAX_LINES).map((r) => `• ${headline(r, itemOf(ctx, r.itemId))} — ${stateLabel(r)}`);
  if (requests.length > MAX_LINES)
    lines.push(`…and ${requests.length - MAX_LINES} more (oldest: ${formatRef(requests.at(-1)?.number ?? 0)}).`);
  return `${title}:\n${lines.join('\n')}`;
}
