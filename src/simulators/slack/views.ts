/**
 * Views: each user's modal stack (at most 3 deep, as Slack allows two pushes onto a root) and home
 * tab. Views are kept as the full objects Slack returns (id, hash, root_view_id, state, …); every
 * change gets a new hash, which views.update and views.publish compare to refuse stale writes.
 */
import { clone, type JsonObject } from './json.ts';
import type { IdFactory } from './ids.ts';

export const MAX_MODAL_STACK = 3;

export interface ViewOwner {
  teamId: string;
  appId: string;
  botId: string;
}

export interface OpenView {
  user: string;
  view: JsonObject;
  /** The last `response_action: errors` the app answered for this view, block_id → message. */
  errors?: Record<string, string>;
}

export class ViewRegistry {
  readonly #views = new Map<string, OpenView>();
  readonly #stacks = new Map<string, string[]>();
  readonly #homes = new Map<string, string>();

  constructor(
    private readonly ids: IdFactory,
    private readonly owner: ViewOwner,
  ) {}

  /** Opens a new modal as the root of a fresh stack (a new modal replaces whatever was open). */
  open(user: string, input: JsonObject): JsonObject {
    this.clear(user);
    const id = this.ids.next('V');
    const view = this.#build(input, id, id, null);
    this.#views.set(id, { user, view });
    this.#stacks.set(user, [id]);
    return clone(view);
  }

  /** Pushes onto the user's open stack; 'no_modal' when none is open, 'push_limit' past 3 views. */
  push(user: string, input: JsonObject): JsonObject | 'no_modal' | 'push_limit' {
    const stack = this.#stacks.get(user);
    const below = stack?.at(-1);
    if (!stack || below === undefined) return 'no_modal';
    if (stack.length >= MAX_MODAL_STACK) return 'push_limit';
    const id = this.ids.next('V');
    const view = this.#build(input, id, stack[0] as string, below);
    this.#views.set(id, { user, view });
    stack.push(id);
    return clone(view);
  }

  /** Replaces a view's content in place: same id and position in the stack, new hash. */
  replace(id: string, input: JsonObject): JsonObject {
    const entry = this.#views.get(id);
    if (!entry) throw new Error(`no view ${id}`);
    entry.view = this.#build(
      input,
      id,
      entry.view.root_view_id as string,
      entry.view.previous_view_id as string | null,
    );
    delete entry.errors;
    return clone(entry.view);
  }

  /** Publishes a user's home tab; the tab keeps its view id across publishes. */
  publishHome(user: string, input: JsonObject): JsonObject {
    const id = this.#homes.get(user) ?? this.ids.next('V');
    const view = this.#build(input, id, id, null);
    this.#views.set(id, { user, view });
    this.#homes.set(user, id);
    return clone(view);
  }

  get(id: string): OpenView | undefined {
    return this.#views.get(id);
  }

  byExternalId(externalId: string): OpenView | undefined {
    for (const entry of this.#views.values()) {
      if (entry.view.external_id === externalId) return entry;
    }
    return undefined;
  }

  /** Whether another live view already uses this external_id (Slack: unique per team). */
  externalIdTaken(externalId: string, exceptId?: string): boolean {
    const owner = this.byExternalId(externalId);
    return owner !== undefined && owner.view.id !== exceptId;
  }

  stack(user: string): OpenView[] {
    return (this.#stacks.get(user) ?? []).map((id) => this.#views.get(id) as OpenView);
  }

  top(user: string): OpenView | undefined {
    return this.stack(user).at(-1);
  }

  home(user: string): OpenView | undefined {
    const id = this.#homes.get(user);
    return id === undefined ? undefined : this.#views.get(id);
  }

  /** Closes the top view; the one below (if any) shows again. */
  pop(user: string): void {
    const stack = this.#stacks.get(user);
    const id = stack?.pop();
    if (id !== undefined) this.#views.delete(id);
    if (stack && stack.length === 0) this.#stacks.delete(user);
  }

  /** Closes every view in the user's modal. */
  clear(user: string): void {
    for (const id of this.#stacks.get(user) ?? []) this.#views.delete(id);
    this.#stacks.delete(user);
  }

  setErrors(id: string, errors: Record<string, string>): void {
    const entry = this.#views.get(id);
    if (entry) entry.errors = { ...errors };
  }

  #build(input: JsonObject, id: string, rootId: string, previousId: string | null): JsonObject {
    const home = input.type === 'home';
    return clone({
      id,
      team_id: this.owner.teamId,
      type: input.type,
      blocks: input.blocks ?? [],
      private_metadata: input.private_metadata ?? '',
      callback_id: input.callback_id ?? '',
      state: { values: {} },
      hash: this.ids.viewHash(),
      ...(home ? {} : { title: input.title }),
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      close: input.close ?? null,
      submit: input.submit ?? null,
      previous_view_id: previousId,
      root_view_id: rootId,
      app_id: this.owner.appId,
      external_id: input.external_id ?? '',
      app_installed_team_id: this.owner.teamId,
      bot_id: this.owner.botId,
    });
  }
}
