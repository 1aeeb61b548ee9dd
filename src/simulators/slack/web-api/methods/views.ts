/** views.open, views.push, views.update and views.publish. */
import { checkView, withGeneratedIds } from '../../block-kit.ts';
import type { SimContext } from '../../context.ts';
import { isObject, type JsonObject } from '../../json.ts';
import { invalidArguments, invalidView, SlackApiError } from '../errors.ts';
import type { MethodCall, MethodHandler } from '../method.ts';
import { str } from '../params.ts';

/** Slack refuses views larger than 250 kB. */
const MAX_VIEW_BYTES = 250_000;

export const open: MethodHandler = (call, ctx) => {
  const triggerId = requireTrigger(call);
  const view = readView(call, ctx, 'modal');
  const user = exchange(ctx, triggerId);
  return { view: ctx.workspace.views.open(user, view) };
};

export const push: MethodHandler = (call, ctx) => {
  const triggerId = requireTrigger(call);
  const view = readView(call, ctx, 'modal');
  const user = exchange(ctx, triggerId);
  const pushed = ctx.workspace.views.push(user, view);
  if (pushed === 'push_limit') throw new SlackApiError('push_limit_reached');
  // [guess] Slack's answer to a push with no modal open is undocumented.
  if (pushed === 'no_modal') throw invalidArguments('no open modal to push onto');
  return { view: pushed };
};

export const update: MethodHandler = (call, ctx) => {
  const viewId = str(call.params, 'view_id');
  const externalId = str(call.params, 'external_id');
  if (viewId === undefined && externalId === undefined)
    throw invalidArguments('missing required field: view_id or external_id');
  const { views } = ctx.workspace;
  const entry = viewId !== undefined ? views.get(viewId) : views.byExternalId(externalId as string);
  if (!entry) throw new SlackApiError('not_found');
  const hash = str(call.params, 'hash');
  if (hash !== undefined && hash !== entry.view.hash) throw new SlackApiError('hash_conflict');
  const id = entry.view.id as string;
  const view = readView(call, ctx, entry.view.type === 'home' ? 'home' : 'modal', id);
  return { view: views.replace(id, view) };
};

export const publish: MethodHandler = (call, ctx) => {
  const userId = str(call.params, 'user_id');
  if (userId === undefined || !ctx.workspace.directory.user(userId)) throw invalidArguments('invalid `user_id`');
  const current = ctx.workspace.views.home(userId);
  const hash = str(call.params, 'hash');
  if (hash !== undefined && current && hash !== current.view.hash) throw new SlackApiError('hash_conflict');
  const view = readView(call, ctx, 'home', current?.view.id as string | undefined);
  return { view: ctx.workspace.views.publishHome(userId, view) };
};

function requireTrigger(call: MethodCall): string {
  const triggerId = str(call.params, 'trigger_id');
  if (triggerId === undefined || triggerId === '') throw invalidArguments('missing required field: trigger_id');
  return triggerId;
}

/** The trigger's user, using the trigger up. */
function exchange(ctx: SimContext, triggerId: string): string {
  const result = ctx.triggers.exchange(triggerId);
  if (!result.ok) throw new SlackApiError(result.error);
  return result.trigger.user;
}

/** The `view` argument, checked against Slack's limits, with block_ids filled. */
function readView(call: MethodCall, ctx: SimContext, surface: 'modal' | 'home', ownId?: string): JsonObject {
  const { view } = call.params;
  if (view === undefined) throw invalidArguments('missing required field: view');
  if (JSON.stringify(view).length > MAX_VIEW_BYTES) throw new SlackApiError('view_too_large');
  const check = checkView(view, surface);
  if (check.errors.length > 0 || !isObject(view)) throw invalidView(check.errors);
  if (
    typeof view.external_id === 'string' &&
    view.external_id !== '' &&
    ctx.workspace.views.externalIdTaken(view.external_id, ownId)
  ) {
    throw new SlackApiError('duplicate_external_id');
  }
  return { ...view, blocks: withGeneratedIds(view.blocks as JsonObject[], ctx.ids) };
}
