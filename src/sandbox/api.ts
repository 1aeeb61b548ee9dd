/**
 * The page's JSON API. Every action goes through the Slack simulator's client, so the bot receives
 * exactly what Slack would send (signed, with trigger ids and response URLs); each answer waits until
 * the bot has finished what the action started, so the page's next read shows its effect.
 */
import { z } from 'zod';
import type { RunningBot } from '../app.ts';
import { formatDuration, parseDuration } from '../domain/duration.ts';
import { WorkflowFailure } from '../domain/errors.ts';
import type { Policy } from '../domain/policy.ts';
import { IamBotError, type IamBotErrorCode } from '../shared/errors.ts';
import type { SlackAppClient } from '../simulators/slack/index.ts';
import type { WhatIf } from '../workflow/what-if.ts';
import type { SandboxClock } from './clock.ts';
import { MAX_FAST_FORWARD_MS, type FastForward } from './fast-forward.ts';
import type { Persona } from './personas.ts';
import { providerPanels } from './provider-state.ts';
import { personaState } from './slack-state.ts';
import { whoMustAct } from './waiting.ts';
import type { World } from './world.ts';

export interface ApiContext {
  world: World;
  bot: RunningBot;
  client: SlackAppClient;
  policy: Policy;
  personas: readonly Persona[];
  /** What `--policy` created on the simulators, shown on the page. */
  notes: readonly string[];
  whatIf(person: string, itemId: string): Promise<WhatIf | undefined>;
  clock: SandboxClock;
  fastForward: FastForward;
}

/** The HTTP status the page gets for each refusal. */
const STATUS = {
  sandbox_bad_request: 400,
  sandbox_not_found: 404,
  sandbox_refused: 409,
  sandbox_too_large: 413,
} as const satisfies Partial<Record<IamBotErrorCode, number>>;

export class ApiError extends IamBotError<keyof typeof STATUS> {
  get status(): number {
    return STATUS[this.code];
  }
}

const user = z.string().regex(/^[UW][A-Z0-9]+$/);
const messageRef = z.object({ channel: z.string().min(1), ts: z.string().min(1) });
/** An interaction happens on a message or on a view (modal or Home tab), never both. */
const surface = z.union([
  z.object({ message: messageRef, view: z.undefined().optional() }),
  z.object({ view: z.string().min(1), message: z.undefined().optional() }),
]);
const option = z.object({ text: z.string(), value: z.string() });
const inputValue = z.union([z.string(), z.array(z.string()), option]);

const schemas = {
  command: z.object({ user, text: z.string().max(4000) }),
  click: z.intersection(
    z.object({
      user,
      actionId: z.string().min(1),
      blockId: z.string().min(1),
      text: z.string(),
      value: z.string().optional(),
      style: z.string().optional(),
    }),
    surface,
  ),
  select: z.intersection(
    z.object({
      user,
      actionId: z.string().min(1),
      blockId: z.string().min(1),
      type: z.enum(['static_select', 'external_select']),
      option,
    }),
    surface,
  ),
  check: z.intersection(
    z.object({ user, actionId: z.string().min(1), blockId: z.string().min(1), options: z.array(option) }),
    surface,
  ),
  submit: z.object({ user, viewId: z.string().min(1), values: z.record(z.string(), inputValue) }),
  close: z.object({ user }),
  suggest: z.intersection(z.object({ user, actionId: z.string().min(1), value: z.string().max(200) }), surface),
  home: z.object({ user }),
  whatif: z.object({ person: user, item: z.string().min(1) }),
  advance: z.object({ by: z.string().max(20) }),
  /** An access review (what `iam-bot review start` asks for): the item, or the policy's first reviewed one. */
  review: z.object({ user, item: z.string().min(1).max(200).optional() }),
};

export type ApiAction = keyof typeof schemas;

export function isAction(name: string): name is ApiAction {
  return Object.hasOwn(schemas, name);
}

function parse<T>(action: ApiAction, schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new ApiError(
      'sandbox_bad_request',
      `invalid ${action} request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** The surface fields as the simulator's client takes them. */
function on(input: { message?: { channel: string; ts: string } | undefined; view?: string | undefined }) {
  return input.view !== undefined
    ? { view: input.view }
    : { message: input.message as { channel: string; ts: string } };
}

const plain = (text: string) => ({ type: 'plain_text', text });

/** Runs a POSTed action; the simulator's client throws where Slack's own client would refuse (a required input left empty). */
export async function runAction(ctx: ApiContext, action: ApiAction, body: unknown): Promise<unknown> {
  const known = (id: string) => {
    if (!ctx.world.slack.workspace.user(id)) throw new ApiError('sandbox_not_found', `no user ${id} in the sandbox`);
    return id;
  };
  try {
    switch (action) {
      case 'command': {
        const input = parse('command', schemas.command, body);
        const [command = '/iam', ...rest] = input.text.trim().split(/\s+/);
        if (command !== '/iam') throw new ApiError('sandbox_bad_request', 'only /iam commands are known here');
        const answer = await ctx.client.slashCommand({ user: known(input.user), text: rest.join(' ') });
        return settled(ctx, { status: answer.status });
      }
      case 'click': {
        const input = parse('click', schemas.click, body);
        // The button as the page showed it, like Slack's client: a click on a message the bot has since updated still arrives, and the bot must refuse it.
        const button = {
          type: 'button',
          action_id: input.actionId,
          block_id: input.blockId,
          text: plain(input.text),
          ...(input.value === undefined ? {} : { value: input.value }),
          ...(input.style ? { style: input.style } : {}),
        };
        const answer = await ctx.client.blockAction({ user: known(input.user), actions: [button], ...on(input) });
        return settled(ctx, { status: answer.status });
      }
      case 'select': {
        const input = parse('select', schemas.select, body);
        const selected = {
          type: input.type,
          action_id: input.actionId,
          block_id: input.blockId,
          selected_option: { text: plain(input.option.text), value: input.option.value },
        };
        const answer = await ctx.client.blockAction({ user: known(input.user), actions: [selected], ...on(input) });
        return settled(ctx, { status: answer.status });
      }
      case 'check': {
        const input = parse('check', schemas.check, body);
        const selected = {
          type: 'checkboxes',
          action_id: input.actionId,
          block_id: input.blockId,
          selected_options: input.options.map((o) => ({ text: plain(o.text), value: o.value })),
        };
        const answer = await ctx.client.blockAction({ user: known(input.user), actions: [selected], ...on(input) });
        return settled(ctx, { status: answer.status });
      }
      case 'submit': {
        const input = parse('submit', schemas.submit, body);
        const answer = await ctx.client.submitView({
          user: known(input.user),
          viewId: input.viewId,
          values: input.values,
        });
        return settled(ctx, { outcome: answer.outcome, errors: answer.errors ?? {}, problems: answer.problems ?? [] });
      }
      case 'close': {
        const input = parse('close', schemas.close, body);
        const answer = await ctx.client.closeView({ user: known(input.user) });
        return settled(ctx, { notified: answer.notified });
      }
      case 'suggest': {
        const input = parse('suggest', schemas.suggest, body);
        const answer = await ctx.client.blockSuggestion({
          user: known(input.user),
          actionId: input.actionId,
          value: input.value,
          ...on(input),
        });
        return { options: answer.options, optionGroups: answer.optionGroups };
      }
      case 'home': {
        const input = parse('home', schemas.home, body);
        const answer = await ctx.client.appHomeOpened({ user: known(input.user) });
        return settled(ctx, { status: answer.status });
      }
      case 'whatif': {
        const input = parse('whatif', schemas.whatif, body);
        const explained = await ctx.whatIf(known(input.person), input.item);
        if (!explained) throw new ApiError('sandbox_not_found', `no catalog item ${input.item}`);
        return explained;
      }
      case 'advance': {
        const input = parse('advance', schemas.advance, body);
        const ms = parseDuration(input.by);
        if (ms === undefined)
          throw new ApiError('sandbox_bad_request', `"${input.by}" is not a duration; write it like 15m, 4h or 1d.`);
        if (ms > MAX_FAST_FORWARD_MS)
          throw new ApiError(
            'sandbox_bad_request',
            `fast-forward at most ${formatDuration(MAX_FAST_FORWARD_MS)} at a time.`,
          );
        return await ctx.fastForward.by(ms);
      }
      case 'review': {
        const input = parse('review', schemas.review, body);
        const item = input.item ?? ctx.policy.reviews?.[0]?.itemId;
        if (item === undefined)
          throw new ApiError('sandbox_not_found', 'the policy reviews no group: add a reviews: section to it');
        const { reviews } = ctx.bot.services;
        let asked;
        try {
          asked = await reviews.request(item, known(input.user));
        } catch (error) {
          if (error instanceof WorkflowFailure) throw new ApiError('sandbox_refused', error.message);
          throw error;
        }
        // Started at once, as the running bot's next tick would.
        await reviews.tick();
        return settled(ctx, { review: asked.ref });
      }
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The simulator refused as Slack's client would (an unknown view, a required input left empty): the person's mistake.
    throw new ApiError('sandbox_refused', error instanceof Error ? error.message : String(error));
  }
}

async function settled<T>(ctx: ApiContext, answer: T): Promise<T> {
  await ctx.bot.idle();
  return answer;
}

/** GET /api/state?user=…: the persona's Slack, the providers, who must act next, the sandbox's time, and the page's fixed facts. */
export async function readState(ctx: ApiContext, userId: string | null): Promise<unknown> {
  const persona = ctx.personas.find((p) => p.id === userId) ?? ctx.personas[0];
  if (!persona) throw new ApiError('sandbox_not_found', 'the sandbox has no personas');
  const names = Object.fromEntries(ctx.personas.map((p) => [p.id, p.realName]));
  return {
    personas: ctx.personas,
    notes: ctx.notes,
    catalog: ctx.policy.catalog.map((item) => ({
      id: item.id,
      title: item.title,
      kind: item.kind,
      provider: item.provider,
    })),
    slack: personaState(ctx.world.slack, persona.id, channelsOf(ctx.policy), names),
    providers: providerPanels(ctx.world),
    waiting: await whoMustAct(ctx.bot.services.service, ctx.policy, ctx.personas),
    clock: { now: ctx.clock.now(), aheadMs: ctx.clock.aheadMs },
  };
}

function channelsOf(policy: Policy): string[] {
  const channels = [policy.audit.channel, ...policy.catalog.map((item) => item.channel)].filter(
    (c): c is string => c !== undefined,
  );
  return [...new Set(channels)];
}
