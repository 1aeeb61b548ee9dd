/**
 * `view.state.values` as Slack's client fills it when a user submits a modal: one entry per input
 * block, block_id → action_id → `{ type, value | selected_option | selected_date | … }`, starting
 * from the elements' initial values. Where the client itself would refuse to submit (a required
 * input left empty, an option the menu does not offer, text over max_length), this throws: the
 * request would never reach the app.
 */
import { isObject, type JsonObject } from './json.ts';

/** What a user enters: text, an option value (or `{ text, value }` for external menus), or several. */
export type InputValue = string | string[] | { text: string; value: string };

export type StateValues = Record<string, Record<string, JsonObject>>;

type Kind = 'text' | 'option' | 'options' | 'string' | 'strings';

/** Element type → the state field Slack fills, the element's initial-value field, and the value's kind. */
const ELEMENTS: Record<string, { field: string; initial: string; kind: Kind }> = {
  plain_text_input: { field: 'value', initial: 'initial_value', kind: 'text' },
  email_text_input: { field: 'value', initial: 'initial_value', kind: 'text' },
  url_text_input: { field: 'value', initial: 'initial_value', kind: 'text' },
  number_input: { field: 'value', initial: 'initial_value', kind: 'text' },
  static_select: { field: 'selected_option', initial: 'initial_option', kind: 'option' },
  external_select: { field: 'selected_option', initial: 'initial_option', kind: 'option' },
  radio_buttons: { field: 'selected_option', initial: 'initial_option', kind: 'option' },
  multi_static_select: { field: 'selected_options', initial: 'initial_options', kind: 'options' },
  multi_external_select: { field: 'selected_options', initial: 'initial_options', kind: 'options' },
  checkboxes: { field: 'selected_options', initial: 'initial_options', kind: 'options' },
  datepicker: { field: 'selected_date', initial: 'initial_date', kind: 'string' },
  timepicker: { field: 'selected_time', initial: 'initial_time', kind: 'string' },
  users_select: { field: 'selected_user', initial: 'initial_user', kind: 'string' },
  conversations_select: { field: 'selected_conversation', initial: 'initial_conversation', kind: 'string' },
  channels_select: { field: 'selected_channel', initial: 'initial_channel', kind: 'string' },
  multi_users_select: { field: 'selected_users', initial: 'initial_users', kind: 'strings' },
  multi_conversations_select: { field: 'selected_conversations', initial: 'initial_conversations', kind: 'strings' },
  multi_channels_select: { field: 'selected_channels', initial: 'initial_channels', kind: 'strings' },
};

const FORMATS: Record<string, RegExp> = { datepicker: /^\d{4}-\d{2}-\d{2}$/, timepicker: /^\d{2}:\d{2}$/ };

/**
 * The state of `blocks` with `values` entered, keyed by an input's block_id (or its element's
 * action_id). With `requireInputs`, empty required inputs throw, as the client refuses to submit.
 */
export function viewState(
  blocks: JsonObject[],
  values: Record<string, InputValue> = {},
  requireInputs = true,
): StateValues {
  const state: StateValues = {};
  const used = new Set<string>();
  for (const block of blocks) {
    if (block.type !== 'input' || !isObject(block.element)) continue;
    const element = block.element;
    const blockId = String(block.block_id);
    const actionId = String(element.action_id);
    const spec = ELEMENTS[String(element.type)];
    if (!spec) throw new Error(`input ${blockId}: element type ${String(element.type)} is not simulated`);
    const key = blockId in values ? blockId : actionId in values ? actionId : undefined;
    if (key !== undefined) used.add(key);
    const given = key === undefined ? undefined : values[key];
    const entry = given === undefined ? initial(element, spec) : entered(element, spec, given, blockId);
    if (requireInputs && block.optional !== true && isEmpty(entry[spec.field])) {
      throw new Error(`input ${blockId} is required: Slack's client would not submit the view without it`);
    }
    state[blockId] = { [actionId]: { type: element.type, ...entry } };
  }
  for (const key of Object.keys(values)) {
    if (!used.has(key)) throw new Error(`the view has no input with block_id or action_id "${key}"`);
  }
  return state;
}

function initial(element: JsonObject, spec: { field: string; initial: string; kind: Kind }): JsonObject {
  const value = element[spec.initial];
  const empty = spec.kind === 'options' || spec.kind === 'strings' ? [] : null;
  return { [spec.field]: value === undefined ? empty : structuredClone(value) };
}

function entered(
  element: JsonObject,
  spec: { field: string; kind: Kind },
  given: InputValue,
  blockId: string,
): JsonObject {
  const type = String(element.type);
  switch (spec.kind) {
    case 'text': {
      const text = expectString(given, blockId);
      if (typeof element.max_length === 'number' && text.length > element.max_length)
        throw new Error(`input ${blockId}: longer than max_length ${element.max_length}`);
      if (typeof element.min_length === 'number' && text.length < element.min_length)
        throw new Error(`input ${blockId}: shorter than min_length ${element.min_length}`);
      if (type === 'number_input' && !(element.is_decimal_allowed === true ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/).test(text))
        throw new Error(`input ${blockId}: not a number the input accepts`);
      return { value: text };
    }
    case 'option':
      if (Array.isArray(given)) throw new Error(`input ${blockId}: takes one option, not several`);
      return { selected_option: option(element, given, blockId) };
    case 'options':
      return {
        selected_options: (Array.isArray(given) ? given : [given]).map((item) => option(element, item, blockId)),
      };
    case 'string': {
      const text = expectString(given, blockId);
      const format = FORMATS[type];
      if (format && !format.test(text)) throw new Error(`input ${blockId}: "${text}" is not a valid ${type} value`);
      return { [spec.field]: text };
    }
    case 'strings':
      return { [spec.field]: Array.isArray(given) ? [...given] : [expectString(given, blockId)] };
  }
}

/** The option a user picked: one the menu offers (static), or any `{ text, value }` (external menus load theirs). */
function option(element: JsonObject, given: string | { text: string; value: string }, blockId: string): JsonObject {
  if (String(element.type).includes('external')) {
    const picked = typeof given === 'string' ? { text: given, value: given } : given;
    return { text: { type: 'plain_text', text: picked.text, emoji: true }, value: picked.value };
  }
  const value = typeof given === 'string' ? given : given.value;
  const offered = offeredOptions(element).find((candidate) => candidate.value === value);
  if (!offered) throw new Error(`input ${blockId}: the menu offers no option with value "${value}"`);
  return structuredClone(offered);
}

function offeredOptions(element: JsonObject): JsonObject[] {
  const groups = Array.isArray(element.option_groups) ? element.option_groups.filter(isObject) : [];
  const options = [element.options, ...groups.map((group) => group.options)].flatMap((list) =>
    Array.isArray(list) ? list : [],
  );
  return options.filter(isObject);
}

function expectString(given: InputValue, blockId: string): string {
  if (typeof given !== 'string') throw new Error(`input ${blockId}: expects a string`);
  return given;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}
