/**
 * Block Kit limits Slack enforces on messages and views (docs/slack.md, "Block Kit limits", which says
 * they hold for every element type and surface). Problems carry Slack's wording and a JSON pointer
 * ("must be less than 3001 characters [json-pointer:/blocks/0/text/text]") so a rejected call reads
 * like Slack's own answer. Lengths are counted in UTF-16 code units, JavaScript's `length`: never
 * fewer than the characters Slack counts, so whatever passes here fits there.
 */
import { isObject, type JsonObject } from './json.ts';
import type { IdFactory } from './ids.ts';

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  viewTitle: 24,
  viewButton: 24,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  headerText: 150,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  id: 255,
  privateMetadata: 3000,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  /** Slack's overflow menu and checkbox / radio groups (https://api.slack.com/reference/block-kit/block-elements). */
  overflowOptions: 5,
  choiceOptions: 10,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  /** plain_text_input `max_length` / `min_length`. */
  textInputLength: 3000,
  /** chat.postMessage text: Slack truncates beyond this. */
  messageText: 40_000,
  /** chat.update text. */
  updateText: 4000,
} as const;

export interface Problem {
  pointer: string;
  message: string;
}

export interface BlockCheck {
  errors: Problem[];
}

/** "message [json-pointer:/x]", the form Slack uses in `errors` and `response_metadata.messages`. */
export function describe(problem: Problem): string {
  return `${problem.message} [json-pointer:${problem.pointer}]`;
}

/** Blocks of a message (chat.postMessage, chat.update, chat.postEphemeral, response_url). */
export function checkMessageBlocks(blocks: unknown): BlockCheck {
  const check = new Checker();
  check.blocks(blocks, LIMITS.messageBlocks, '/blocks');
  return check.result();
}

/** A view for views.open/push/update (`modal`) or views.publish (`home`). */
export function checkView(view: unknown, surface: 'modal' | 'home'): BlockCheck {
  const check = new Checker();
  check.view(view, surface);
  return check.result();
}

/** Options an app returns for an external_select (block_suggestion answer). */
export function checkOptions(options: unknown, pointer = '/options'): BlockCheck {
  const check = new Checker();
  check.optionList(options, LIMITS.selectOptions, pointer, 'menu');
  return check.result();
}

/**
 * A copy where every block has a block_id and every interactive element an action_id: Slack fills
 * missing ones with random ids, and interaction payloads name them.
 */
export function withGeneratedIds(blocks: JsonObject[], ids: IdFactory): JsonObject[] {
  const taken = new Set(blocks.map((block) => block.block_id).filter((id) => typeof id === 'string'));
  const fresh = () => {
    let id = ids.blockId();
    while (taken.has(id)) id = ids.blockId();
    taken.add(id);
    return id;
  };
  return blocks.map((original) => {
    const block = structuredClone(original);
    if (typeof block.block_id !== 'string') block.block_id = fresh();
    for (const element of elementsOf(block)) {
      if (element.action_id === undefined) element.action_id = fresh();
    }
    return block;
  });
}

/** The interactive elements of a block: an actions block's elements, an input's element, a section's accessory. */
export function elementsOf(block: JsonObject): JsonObject[] {
  const candidates =
    block.type === 'actions' && Array.isArray(block.elements)
      ? block.elements
      : [block.type === 'input' ? block.element : block.accessory];
  return candidates.filter((element): element is JsonObject => isObject(element) && element.type !== 'image');
}

/** Menu options (selects, overflow) take plain_text only; checkbox and radio labels may be mrkdwn. */
type OptionKind = 'menu' | 'choice';

class Checker {
  readonly #errors: Problem[] = [];

  result(): BlockCheck {
    return { errors: this.#errors };
  }

  view(view: unknown, surface: 'modal' | 'home'): void {
    if (!isObject(view)) return this.#error('/view', 'must provide an object');
    if (view.type === undefined) this.#error('/view', 'missing required field: type');
    else if (view.type !== surface) this.#error('/view/type', `must be ${surface} for this method`);
    if (surface === 'modal') {
      if (view.title === undefined) this.#error('/view', 'missing required field: title');
      else this.#text(view.title, LIMITS.viewTitle, '/view/title', true);
      if (view.submit !== undefined) this.#text(view.submit, LIMITS.viewButton, '/view/submit', true);
      if (view.close !== undefined) this.#text(view.close, LIMITS.viewButton, '/view/close', true);
      const hasInput =
        Array.isArray(view.blocks) && view.blocks.some((block) => isObject(block) && block.type === 'input');
      if (hasInput && view.submit === undefined)
        this.#error('/view', 'missing required field: submit (required when blocks contain an input block)');
    }
    if (view.blocks === undefined) this.#error('/view', 'missing required field: blocks');
    else this.blocks(view.blocks, LIMITS.viewBlocks, '/view/blocks');
    this.#maxLength(view.private_metadata, LIMITS.privateMetadata, '/view/private_metadata');
    this.#maxLength(view.callback_id, LIMITS.id, '/view/callback_id');
    this.#maxLength(view.external_id, LIMITS.id, '/view/external_id');
  }

  blocks(blocks: unknown, max: number, pointer: string): void {
    if (!Array.isArray(blocks)) return this.#error(pointer, 'must provide an array');
    if (blocks.length > max) this.#error(pointer, `no more than ${max} items allowed`);
    const blockIds = new Set<string>();
    blocks.forEach((block: unknown, i) => this.#block(block, `${pointer}/${i}`, blockIds));
  }

  optionList(options: unknown, max: number, pointer: string, kind: OptionKind): void {
    if (!Array.isArray(options)) return this.#error(pointer, 'must provide an array');
    if (options.length > max) this.#error(pointer, `no more than ${max} items allowed`);
    options.forEach((option: unknown, i) => this.#option(option, `${pointer}/${i}`, kind));
  }

  #block(block: unknown, pointer: string, blockIds: Set<string>): void {
    if (!isObject(block) || typeof block.type !== 'string') return this.#error(pointer, 'missing required field: type');
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string') this.#error(`${pointer}/block_id`, 'must provide a string');
      else {
        this.#maxLength(block.block_id, LIMITS.id, `${pointer}/block_id`);
        if (blockIds.has(block.block_id)) this.#error(`${pointer}/block_id`, `duplicate block_id: ${block.block_id}`);
        blockIds.add(block.block_id);
      }
    }
    // Slack: an action_id must be unique among the action_ids in its containing block.
    const actionIds = new Set<string>();
    switch (block.type) {
      case 'section':
        if (block.text === undefined && block.fields === undefined)
          this.#error(pointer, 'must provide either text or fields');
        if (block.text !== undefined) this.#text(block.text, LIMITS.sectionText, `${pointer}/text`);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields)) this.#error(`${pointer}/fields`, 'must provide an array');
          else {
            if (block.fields.length > LIMITS.sectionFields)
              this.#error(`${pointer}/fields`, `no more than ${LIMITS.sectionFields} items allowed`);
            block.fields.forEach((field: unknown, i) =>
              this.#text(field, LIMITS.sectionFieldText, `${pointer}/fields/${i}`),
            );
          }
        }
        if (block.accessory !== undefined) this.#element(block.accessory, `${pointer}/accessory`, actionIds);
        return;
      case 'context':
        this.#list(block.elements, LIMITS.contextElements, `${pointer}/elements`, (element, at) => {
          if (isObject(element) && element.type !== 'image') this.#text(element, LIMITS.contextText, at);
        });
        return;
      case 'header':
        if (block.text === undefined) return this.#error(pointer, 'missing required field: text');
        this.#text(block.text, LIMITS.headerText, `${pointer}/text`, true);
        return;
      case 'actions':
        this.#list(block.elements, LIMITS.actionsElements, `${pointer}/elements`, (element, at) =>
          this.#element(element, at, actionIds),
        );
        return;
      case 'input':
        if (block.label === undefined) this.#error(pointer, 'missing required field: label');
        else this.#text(block.label, LIMITS.inputLabel, `${pointer}/label`, true);
        if (block.hint !== undefined) this.#text(block.hint, LIMITS.inputHint, `${pointer}/hint`, true);
        if (block.element === undefined) return this.#error(pointer, 'missing required field: element');
        this.#element(block.element, `${pointer}/element`, actionIds);
        return;
      default:
        return;
    }
  }

  #element(element: unknown, pointer: string, actionIds: Set<string>): void {
    if (!isObject(element) || typeof element.type !== 'string')
      return this.#error(pointer, 'missing required field: type');
    if (element.action_id !== undefined) {
      if (typeof element.action_id !== 'string') this.#error(`${pointer}/action_id`, 'must provide a string');
      else {
        this.#maxLength(element.action_id, LIMITS.id, `${pointer}/action_id`);
        if (actionIds.has(element.action_id))
          this.#error(`${pointer}/action_id`, `duplicate action_id: ${element.action_id}`);
        actionIds.add(element.action_id);
      }
    }
    if (element.placeholder !== undefined)
      this.#text(element.placeholder, LIMITS.placeholder, `${pointer}/placeholder`, true);
    switch (element.type) {
      case 'button':
        if (element.text === undefined) return this.#error(pointer, 'missing required field: text');
        this.#text(element.text, LIMITS.buttonText, `${pointer}/text`, true);
        this.#maxLength(element.value, LIMITS.buttonValue, `${pointer}/value`);
        this.#maxLength(element.url, LIMITS.url, `${pointer}/url`);
        return;
      case 'static_select':
      case 'multi_static_select':
        if (element.options === undefined && element.option_groups === undefined)
          return this.#error(pointer, 'must provide either options or option_groups');
        if (element.options !== undefined)
          this.optionList(element.options, LIMITS.selectOptions, `${pointer}/options`, 'menu');
        if (element.option_groups !== undefined) {
          this.#list(element.option_groups, LIMITS.selectOptions, `${pointer}/option_groups`, (group, at) => {
            if (!isObject(group)) return this.#error(at, 'must provide an object');
            this.#text(group.label, LIMITS.optionText, `${at}/label`, true);
            this.optionList(group.options, LIMITS.selectOptions, `${at}/options`, 'menu');
          });
        }
        this.#initialOptions(element, pointer);
        return;
      case 'external_select':
      case 'multi_external_select':
        this.#initialOptions(element, pointer);
        return;
      case 'overflow':
        this.optionList(element.options, LIMITS.overflowOptions, `${pointer}/options`, 'menu');
        return;
      case 'checkboxes':
      case 'radio_buttons':
        this.optionList(element.options, LIMITS.choiceOptions, `${pointer}/options`, 'choice');
        this.#initialOptions(element, pointer, 'choice');
        return;
      case 'plain_text_input':
        this.#lengthSetting(element.max_length, 1, `${pointer}/max_length`);
        this.#lengthSetting(element.min_length, 0, `${pointer}/min_length`);
        if (typeof element.max_length === 'number')
          this.#maxLength(element.initial_value, element.max_length, `${pointer}/initial_value`);
        return;
      default:
        return;
    }
  }

  #initialOptions(element: JsonObject, pointer: string, kind: OptionKind = 'menu'): void {
    if (element.initial_option !== undefined) this.#option(element.initial_option, `${pointer}/initial_option`, kind);
    if (Array.isArray(element.initial_options)) {
      element.initial_options.forEach((option: unknown, i) =>
        this.#option(option, `${pointer}/initial_options/${i}`, kind),
      );
    }
  }

  /** An option: text 75, value 150, description 75 for every element type, checkboxes and radio buttons included. */
  #option(option: unknown, pointer: string, kind: OptionKind): void {
    if (!isObject(option)) return this.#error(pointer, 'must provide an object');
    if (option.text === undefined) this.#error(pointer, 'missing required field: text');
    else this.#text(option.text, LIMITS.optionText, `${pointer}/text`, kind === 'menu');
    if (option.description !== undefined)
      this.#text(option.description, LIMITS.optionDescription, `${pointer}/description`, kind === 'menu');
    if (option.value === undefined) return this.#error(pointer, 'missing required field: value');
    if (typeof option.value !== 'string') return this.#error(`${pointer}/value`, 'must provide a string');
    this.#maxLength(option.value, LIMITS.optionValue, `${pointer}/value`);
  }

  /** plain_text_input's max_length / min_length: a whole number of characters Slack's input can take. */
  #lengthSetting(value: unknown, min: number, pointer: string): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value)) return this.#error(pointer, 'must provide an integer');
    if (value < min) this.#error(pointer, `must be at least ${min}`);
    if (value > LIMITS.textInputLength) this.#error(pointer, `must be at most ${LIMITS.textInputLength}`);
  }

  #list(items: unknown, max: number, pointer: string, each: (item: unknown, pointer: string) => void): void {
    if (!Array.isArray(items)) return this.#error(pointer, 'must provide an array');
    if (items.length > max) this.#error(pointer, `no more than ${max} items allowed`);
    items.forEach((item: unknown, i) => each(item, `${pointer}/${i}`));
  }

  /**
   * A text object `{ type, text }`: plain_text where Slack demands it, 1 to `max` characters ("The
   * minimum length is 1", https://api.slack.com/reference/block-kit/composition-objects#text).
   */
  #text(value: unknown, max: number, pointer: string, plainOnly = false): void {
    if (!isObject(value)) return this.#error(pointer, 'must provide an object');
    if (value.type !== 'plain_text' && value.type !== 'mrkdwn')
      return this.#error(`${pointer}/type`, 'must be one of plain_text, mrkdwn');
    if (plainOnly && value.type !== 'plain_text') return this.#error(`${pointer}/type`, 'must be plain_text');
    if (typeof value.text !== 'string') return this.#error(`${pointer}/text`, 'must provide a string');
    if (value.text.length === 0) this.#error(`${pointer}/text`, 'must be more than 0 characters');
    this.#maxLength(value.text, max, `${pointer}/text`);
  }

  #maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value === 'string' && value.length > max)
      this.#error(pointer, `must be less than ${max + 1} characters`);
  }

  #error(pointer: string, message: string): void {
    this.#errors.push({ pointer, message });
  }
}
