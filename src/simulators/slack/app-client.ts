/**
 * Slack's side of the conversation with the app: what a user's typing and clicking makes Slack send
 * (slash commands, button clicks, modal submissions and closes, menu searches, events), and what
 * Slack does with the app's answers (shows a command's reply, applies a submission's
 * response_action to the modal stack). Each request gets a fresh trigger_id and, from messages, a
 * response_url, registered with the simulator so the app's later Web API calls are checked.
 */
import { checkOptions, checkView, describe, elementsOf, withGeneratedIds } from './block-kit.ts';
import type { Delivery, SimContext } from './context.ts';
import type { SimUser } from './directory.ts';
import { clone, isObject, type JsonObject } from './json.ts';
import {
  blockActionsPayload,
  blockSuggestionPayload,
  eventCallback,
  slashCommandForm,
  viewClosedPayload,
  viewSubmissionPayload,
  type Surface,
} from './payloads.ts';
import type { ResponseTarget } from './response-urls.ts';
import type { AppRequest, AppResponse, DeliveryOptions, Transport } from './transport.ts';
import { viewState, type InputValue } from './view-state.ts';

/** A message in the workspace: a stored message, an ephemeral one, or just its channel and ts. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/** Where an interaction happens: a message, or a view by id (an open modal or a home tab). */
export type SurfaceRef = { message: MessageRef; view?: undefined } | { view: string; message?: undefined };

export interface SlashCommandInput {
  user: string;
  text?: string;
  /** Where the command is typed; default: the user's DM with the app. */
  channel?: string;
  command?: string;
}

export interface InteractionResult extends AppResponse {
  triggerId: string;
  /** Set for interactions from messages (and slash commands). */
  responseUrl?: string;
}

export type BlockActionInput = SurfaceRef & {
  user: string;
  /** Slack's action objects (action_id, block_id, type, value | selected_option, …); action_ts is added. */
  actions: JsonObject[];
};

export type ClickButtonInput = SurfaceRef & { user: string; actionId: string; blockId?: string };

export interface SubmitViewInput {
  user: string;
  /** Default: the view on top of the user's modal stack. */
  viewId?: string;
  /** Entered values keyed by an input's block_id (or action_id). */
  values?: Record<string, InputValue>;
}

/** What became of the modal: Slack's reading of the app's answer to view_submission. */
export type SubmissionOutcome = 'closed' | 'errors' | 'updated' | 'pushed' | 'cleared' | 'refused' | 'unanswered';

export interface SubmitViewResult {
  response: AppResponse;
  outcome: SubmissionOutcome;
  /** The submitted view, state included. */
  submitted: JsonObject;
  /** `response_action: errors`: block_id → message. */
  errors?: Record<string, string>;
  /** Why Slack would refuse the app's answer (outcome 'refused'): a bad view, or errors keyed to no input. */
  problems?: string[];
}

export interface CloseViewResult {
  /** Whether view_closed was sent (the view asked for notify_on_close). */
  notified: boolean;
  response?: AppResponse;
}

export type BlockSuggestionInput = SurfaceRef & { user: string; actionId: string; value: string };

export interface BlockSuggestionResult {
  /** False when the query is shorter than the menu's min_query_length (default 3): Slack sends nothing. */
  sent: boolean;
  response?: AppResponse;
  options: JsonObject[];
  optionGroups: JsonObject[];
  /** Limits the answered options break (Slack would show the user an error instead). */
  problems: string[];
}

const DEFAULT_MIN_QUERY_LENGTH = 3;

export class SlackAppClient {
  constructor(
    private readonly ctx: SimContext,
    private readonly transport: Transport,
  ) {}

  /** A user types `/iam …`. The app's answer, if any, is shown like a response_url post. */
  async slashCommand(input: SlashCommandInput, options: DeliveryOptions = {}): Promise<InteractionResult> {
    const user = this.#user(input.user);
    const channel = this.#commandChannel(user, input.channel);
    const target: ResponseTarget = { user: user.id, channel: channel.id };
    const triggerId = this.ctx.triggers.issue(user.id);
    const responseUrl = this.#responseUrl(target);
    const form = slashCommandForm(this.ctx.identity, {
      user,
      channel,
      command: input.command ?? '/iam',
      text: input.text ?? '',
      triggerId,
      responseUrl,
    });
    const response = await this.#send({ type: 'slash_commands', form }, options);
    if (response.acked && response.status === 200)
      this.ctx.workspace.responses.applyCommandAnswer(target, response.json ?? response.body);
    return { ...response, triggerId, responseUrl };
  }

  /** A block_actions request with the given actions, from a message or a view. */
  async blockAction(input: BlockActionInput, options: DeliveryOptions = {}): Promise<InteractionResult> {
    const user = this.#user(input.user);
    const { surface, responseUrl } = this.#surface(user, input);
    const triggerId = this.ctx.triggers.issue(user.id);
    const actions = input.actions.map((action) => ({ ...action, action_ts: action.action_ts ?? this.ctx.ids.ts() }));
    const payload = blockActionsPayload(this.ctx.identity, user, surface, triggerId, actions);
    const response = await this.#send({ type: 'interactive', payload }, options);
    return { ...response, triggerId, ...(responseUrl === undefined ? {} : { responseUrl }) };
  }

  /** The user clicks the button with `actionId` in a message or view. */
  async clickButton(input: ClickButtonInput, options: DeliveryOptions = {}): Promise<InteractionResult> {
    const user = this.#user(input.user);
    const { block, element } = findElement(this.#blocksOf(user, input), input.actionId, input.blockId);
    if (element.type !== 'button')
      throw new Error(`action_id "${input.actionId}" is a ${String(element.type)}, not a button`);
    const action = {
      action_id: element.action_id,
      block_id: block.block_id,
      text: element.text,
      ...(element.value === undefined ? {} : { value: element.value }),
      ...(element.style === undefined ? {} : { style: element.style }),
      type: 'button',
    };
    return this.blockAction({ ...input, actions: [action] } as BlockActionInput, options);
  }

  /** The user submits their open modal with `values` entered; Slack applies the app's response_action. */
  async submitView(input: SubmitViewInput, options: DeliveryOptions = {}): Promise<SubmitViewResult> {
    const user = this.#user(input.user);
    const { views } = this.ctx.workspace;
    const top = views.top(user.id);
    if (!top || (input.viewId !== undefined && top.view.id !== input.viewId))
      throw new Error(
        `${user.id} has no open modal ${input.viewId ?? ''}: only the top view of a stack can be submitted`,
      );
    if (top.view.submit === null) throw new Error(`view ${String(top.view.id)} has no submit button`);
    const viewId = top.view.id as string;
    const submitted = {
      ...clone(top.view),
      state: { values: viewState(top.view.blocks as JsonObject[], input.values) },
    };
    const triggerId = this.ctx.triggers.issue(user.id);
    const response = await this.#send(
      { type: 'interactive', payload: viewSubmissionPayload(this.ctx.identity, user, submitted, triggerId) },
      options,
    );
    if (!response.acked || response.status !== 200) return { response, outcome: 'unanswered', submitted };
    const answer = isObject(response.json) ? response.json : {};
    switch (answer.response_action) {
      case 'errors': {
        const errors = isObject(answer.errors)
          ? (Object.fromEntries(Object.entries(answer.errors).map(([k, v]) => [k, String(v)])) as Record<
              string,
              string
            >)
          : {};
        // docs/slack.md: every key must name an input block of the submitted view, or Slack shows the
        // person a generic failure instead of the field error.
        const inputs = new Set(
          ((top.view.blocks as JsonObject[] | undefined) ?? [])
            .filter((block) => block.type === 'input')
            .map((block) => block.block_id),
        );
        const stray = Object.keys(errors).filter((key) => !inputs.has(key));
        if (stray.length > 0) {
          return {
            response,
            outcome: 'refused',
            submitted,
            errors,
            problems: stray.map(
              (key) => `errors key "${key}" is not the block_id of an input block in the submitted view`,
            ),
          };
        }
        views.setErrors(viewId, errors);
        return { response, outcome: 'errors', submitted, errors };
      }
      case 'update':
      case 'push': {
        const check = checkView(answer.view, 'modal');
        if (check.errors.length > 0 || !isObject(answer.view))
          return { response, outcome: 'refused', submitted, problems: check.errors.map(describe) };
        const next = { ...answer.view, blocks: withGeneratedIds(answer.view.blocks as JsonObject[], this.ctx.ids) };
        if (answer.response_action === 'update') {
          views.replace(viewId, next);
          return { response, outcome: 'updated', submitted };
        }
        if (views.push(user.id, next) === 'push_limit')
          return { response, outcome: 'refused', submitted, problems: ['push_limit_reached'] };
        return { response, outcome: 'pushed', submitted };
      }
      case 'clear':
        views.clear(user.id);
        return { response, outcome: 'cleared', submitted };
      default:
        // An empty acknowledgement closes the submitted view; the one below shows again.
        views.pop(user.id);
        return { response, outcome: 'closed', submitted };
    }
  }

  /** The user closes their top view (`clear`: the whole modal, as the X does with clear_on_close). */
  async closeView(input: { user: string; clear?: boolean }, options: DeliveryOptions = {}): Promise<CloseViewResult> {
    const user = this.#user(input.user);
    const { views } = this.ctx.workspace;
    const top = views.top(user.id);
    if (!top) throw new Error(`${user.id} has no open modal`);
    const view = clone(top.view);
    const cleared = input.clear === true || view.clear_on_close === true;
    if (cleared) views.clear(user.id);
    else views.pop(user.id);
    if (view.notify_on_close !== true) return { notified: false };
    const response = await this.#send(
      { type: 'interactive', payload: viewClosedPayload(this.ctx.identity, user, view, cleared) },
      options,
    );
    return { notified: true, response };
  }

  /** The user types `value` into an external_select; returns the options the app answered. */
  async blockSuggestion(input: BlockSuggestionInput, options: DeliveryOptions = {}): Promise<BlockSuggestionResult> {
    const user = this.#user(input.user);
    const { block, element } = findElement(this.#blocksOf(user, input), input.actionId);
    if (element.type !== 'external_select' && element.type !== 'multi_external_select')
      throw new Error(`action_id "${input.actionId}" is a ${String(element.type)}, not an external select`);
    const minLength =
      typeof element.min_query_length === 'number' ? element.min_query_length : DEFAULT_MIN_QUERY_LENGTH;
    if (input.value.length < minLength) return { sent: false, options: [], optionGroups: [], problems: [] };
    const { surface } = this.#surface(user, input, false);
    const payload = blockSuggestionPayload(this.ctx.identity, user, surface, {
      actionId: input.actionId,
      blockId: String(block.block_id),
      value: input.value,
    });
    const response = await this.#send({ type: 'interactive', payload }, options);
    const answer = isObject(response.json) ? response.json : {};
    const found = Array.isArray(answer.options) ? answer.options.filter(isObject) : [];
    const groups = Array.isArray(answer.option_groups) ? answer.option_groups.filter(isObject) : [];
    const problems = [
      ...(answer.options === undefined ? [] : checkOptions(answer.options).errors),
      ...groups.flatMap((group, i) => checkOptions(group.options, `/option_groups/${i}/options`).errors),
    ].map(describe);
    return { sent: true, response, options: found, optionGroups: groups, problems };
  }

  /** An Events API event (wrapped in an event_callback), e.g. `{ type: 'app_home_opened', … }`. */
  async event(event: JsonObject, options: DeliveryOptions = {}): Promise<AppResponse> {
    const eventId = `Ev${this.ctx.ids.uuid().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    const payload = eventCallback(this.ctx.identity, event, eventId, Math.floor(this.ctx.clock() / 1000));
    return this.#send({ type: 'events_api', payload }, options);
  }

  /** The user opens the app's Home tab. */
  async appHomeOpened(input: { user: string }, options: DeliveryOptions = {}): Promise<AppResponse> {
    const user = this.#user(input.user);
    const dm = this.ctx.workspace.directory.openConversation([user.id]).channel;
    const home = this.ctx.workspace.views.home(user.id);
    return this.event(
      {
        type: 'app_home_opened',
        user: user.id,
        channel: dm.id,
        tab: 'home',
        event_ts: this.ctx.ids.ts(),
        ...(home ? { view: clone(home.view) } : {}),
      },
      options,
    );
  }

  async #send(request: AppRequest, options: DeliveryOptions): Promise<AppResponse> {
    const type = request.type === 'interactive' ? String(request.payload.type) : request.type;
    const delivery: Delivery = { type, sentMs: performance.now() };
    this.ctx.deliveries.push(delivery);
    const response = await this.transport.send(request, options);
    if (response.acked) delivery.ackedMs = delivery.sentMs + response.ms;
    return response;
  }

  #user(id: string): SimUser {
    const user = this.ctx.workspace.directory.user(id);
    if (!user) throw new Error(`unknown user ${id}: seed it with workspace.addUser`);
    return user;
  }

  #commandChannel(user: SimUser, channelId: string | undefined): { id: string; name: string } {
    const { directory } = this.ctx.workspace;
    const channel =
      channelId === undefined ? directory.openConversation([user.id]).channel : directory.channel(channelId);
    if (!channel) throw new Error(`unknown channel ${String(channelId)}: seed it with workspace.addChannel`);
    return { id: channel.id, name: channel.name };
  }

  #responseUrl(target: ResponseTarget): string {
    return `${this.ctx.baseUrl}/response/${this.ctx.workspace.responses.issue(target)}`;
  }

  /** The blocks of the message or view an interaction starts from. */
  #blocksOf(user: SimUser, ref: SurfaceRef): JsonObject[] {
    if (ref.view !== undefined) return (this.#view(user, ref.view).blocks as JsonObject[]) ?? [];
    return this.#message(user, ref.message).content.blocks ?? [];
  }

  #surface(user: SimUser, ref: SurfaceRef, withResponseUrl = true): { surface: Surface; responseUrl?: string } {
    if (ref.view !== undefined) {
      const view = this.#view(user, ref.view);
      // The view as the user sees it, with the current state of its inputs.
      return {
        surface: {
          kind: 'view',
          view: { ...view, state: { values: viewState(view.blocks as JsonObject[], {}, false) } },
        },
      };
    }
    const { content, ephemeral, api } = this.#message(user, ref.message);
    const channel = this.ctx.workspace.directory.channel(content.channel);
    const responseUrl = withResponseUrl
      ? this.#responseUrl({ user: user.id, channel: content.channel, message: { ts: content.ts, ephemeral } })
      : '';
    return {
      surface: {
        kind: 'message',
        channel: { id: content.channel, name: channel?.name ?? '' },
        message: api,
        ephemeral,
        responseUrl,
      },
      ...(withResponseUrl ? { responseUrl } : {}),
    };
  }

  #view(user: SimUser, viewId: string): JsonObject {
    const entry = this.ctx.workspace.views.get(viewId);
    if (!entry || entry.user !== user.id) throw new Error(`view ${viewId} is not open for ${user.id}`);
    return clone(entry.view);
  }

  #message(user: SimUser, ref: MessageRef) {
    const { messages } = this.ctx.workspace;
    const stored = messages.find(ref.channel, ref.ts);
    if (stored) return { content: stored, ephemeral: false, api: messages.toApi(stored) };
    const ephemeral = messages.findEphemeral(user.id, ref.ts);
    if (ephemeral && ephemeral.channel === ref.channel) {
      return {
        content: ephemeral,
        ephemeral: true,
        api: {
          type: 'message',
          text: ephemeral.text,
          ts: ephemeral.ts,
          ...(ephemeral.blocks ? { blocks: ephemeral.blocks } : {}),
        },
      };
    }
    throw new Error(`no message ${ref.ts} in ${ref.channel} visible to ${user.id}`);
  }
}

/** The one element with `actionId` (in block `blockId`, when given) among `blocks`. */
function findElement(
  blocks: JsonObject[],
  actionId: string,
  blockId?: string,
): { block: JsonObject; element: JsonObject } {
  const found = blocks
    .filter((block) => blockId === undefined || block.block_id === blockId)
    .flatMap((block) => elementsOf(block).map((element) => ({ block, element })))
    .filter(({ element }) => element.action_id === actionId);
  const [first] = found;
  if (!first)
    throw new Error(`no element with action_id "${actionId}"${blockId === undefined ? '' : ` in block ${blockId}`}`);
  if (found.length > 1) throw new Error(`action_id "${actionId}" appears in several blocks: pass blockId`);
  return first;
}
