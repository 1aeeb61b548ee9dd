/// <reference lib="dom" />
/**
 * Block Kit as the bot uses it: section (text, fields, accessory), context, header, divider, actions
 * and input blocks; buttons, static and external selects, checkboxes, plain text inputs. Interactive
 * elements call back into the page, which sends the matching signed payload through the server.
 */
import type { Block, Option } from './api.ts';
import { h } from './dom.ts';
import { emojify } from './emoji.ts';
import { mrkdwnToHtml, type TextContext } from './mrkdwn.ts';

type Text = { type?: string; text?: string };
type Element = Record<string, unknown> & { type: string; action_id?: string };
export type InputValue = string | string[] | { text: string; value: string };

export interface Surface extends TextContext {
  /** Entered values of a modal's inputs, by block_id; absent outside modals. */
  values?: Map<string, InputValue>;
  errors?: Record<string, string>;
  /** A block_actions interaction (a click, or a choice in a dispatching menu). */
  action(kind: 'click' | 'select' | 'check', blockId: string, element: Element, extra?: Record<string, unknown>): void;
  suggest(actionId: string, value: string): Promise<Option[]>;
}

export function renderText(text: Text | undefined, ctx: TextContext): HTMLElement {
  const span = h('span', { class: 'text' });
  if (!text?.text) return span;
  if (text.type === 'mrkdwn') span.innerHTML = mrkdwnToHtml(text.text, ctx);
  // plain_text shows emoji too (its `emoji` flag defaults to true).
  else span.textContent = emojify(text.text);
  return span;
}

export function renderBlocks(blocks: readonly Block[], surface: Surface): HTMLElement {
  return h('div', { class: 'blocks' }, ...blocks.map((block) => renderBlock(block, surface)));
}

function renderBlock(block: Block, surface: Surface): HTMLElement {
  const blockId = block.block_id ?? '';
  switch (block.type) {
    case 'header':
      return h('h3', { class: 'block-header' }, renderText(block.text as Text, surface));
    case 'divider':
      return h('hr');
    case 'context':
      return h(
        'div',
        { class: 'block-context' },
        ...((block.elements as Text[] | undefined) ?? []).map((e) => renderText(e, surface)),
      );
    case 'section': {
      const fields = (block.fields as Text[] | undefined) ?? [];
      const accessory = block.accessory as Element | undefined;
      return h(
        'div',
        { class: 'block-section' },
        h(
          'div',
          { class: 'section-body' },
          renderText(block.text as Text, surface),
          fields.length > 0 && h('div', { class: 'fields' }, ...fields.map((f) => renderText(f, surface))),
        ),
        accessory && renderElement(accessory, blockId, surface, true),
      );
    }
    case 'actions':
      return h(
        'div',
        { class: 'block-actions' },
        ...((block.elements as Element[] | undefined) ?? []).map((e) => renderElement(e, blockId, surface, true)),
      );
    case 'input': {
      const error = surface.errors?.[blockId];
      return h(
        'label',
        { class: `block-input${error ? ' has-error' : ''}`, 'data-block': blockId },
        h(
          'span',
          { class: 'label' },
          (block.label as Text | undefined)?.text ?? '',
          block.optional === true ? h('span', { class: 'optional' }, ' (optional)') : null,
        ),
        renderElement(block.element as Element, blockId, surface, block.dispatch_action === true),
        block.hint ? h('span', { class: 'hint' }, (block.hint as Text).text ?? '') : null,
        error ? h('span', { class: 'error' }, error) : null,
      );
    }
    default:
      return h('div', { class: 'block-unknown' }, `(${block.type} block)`);
  }
}

/** `dispatches`: the element sends block_actions when used (always in actions blocks; in inputs with dispatch_action). */
function renderElement(element: Element, blockId: string, surface: Surface, dispatches: boolean): HTMLElement {
  const actionId = element.action_id ?? '';
  switch (element.type) {
    case 'button':
      return h(
        'button',
        {
          class: `btn ${String(element.style ?? '')}`,
          'data-action': actionId,
          type: 'button',
          onclick: () =>
            surface.action('click', blockId, element, {
              text: (element.text as Text).text ?? '',
              ...(typeof element.value === 'string' ? { value: element.value } : {}),
              ...(typeof element.style === 'string' ? { style: element.style } : {}),
            }),
        },
        emojify((element.text as Text).text ?? ''),
      );
    case 'plain_text_input': {
      const current = surface.values?.get(blockId);
      const attrs = {
        'data-action': actionId,
        oninput: (event: Event) => surface.values?.set(blockId, (event.target as HTMLInputElement).value),
      };
      const field = element.multiline === true ? h('textarea', attrs) : h('input', { ...attrs, type: 'text' });
      field.value = typeof current === 'string' ? current : String(element.initial_value ?? '');
      return field;
    }
    case 'static_select':
      return staticSelect(element, blockId, surface, dispatches);
    case 'external_select':
      return externalSelect(element, blockId, surface, dispatches);
    case 'checkboxes':
      return checkboxes(element, blockId, surface, dispatches);
    default:
      return h('span', { class: 'block-unknown' }, `(${element.type})`);
  }
}

type SlackOption = { text: Text; value: string };

function staticSelect(element: Element, blockId: string, surface: Surface, dispatches: boolean): HTMLElement {
  const options = (element.options as SlackOption[] | undefined) ?? [];
  const current = surface.values?.get(blockId) ?? (element.initial_option as SlackOption | undefined)?.value ?? '';
  const select = h(
    'select',
    { 'data-action': element.action_id ?? '' },
    h('option', { value: '' }, 'Choose…'),
    ...options.map((o) => h('option', { value: o.value }, o.text.text ?? '')),
  );
  select.value = typeof current === 'string' ? current : '';
  select.addEventListener('change', () => {
    const picked = options.find((o) => o.value === select.value);
    if (!picked) return;
    surface.values?.set(blockId, picked.value);
    if (dispatches)
      surface.action('select', blockId, element, {
        type: 'static_select',
        option: { text: picked.text.text ?? '', value: picked.value },
      });
  });
  return select;
}

/** A search box whose options the bot answers (block_suggestion), loaded on focus and as the person types. */
function externalSelect(element: Element, blockId: string, surface: Surface, dispatches: boolean): HTMLElement {
  const actionId = element.action_id ?? '';
  const current = surface.values?.get(blockId);
  const search = h('input', {
    type: 'search',
    'data-action': actionId,
    placeholder: (element.placeholder as Text | undefined)?.text ?? 'Search',
    autocomplete: 'off',
  });
  const chosen = h(
    'span',
    { class: 'chosen' },
    typeof current === 'object' && !Array.isArray(current) ? `Selected: ${current.text}` : '',
  );
  const list = h('ul', { class: 'options' });
  const load = async () => {
    const options = await surface.suggest(actionId, search.value);
    list.replaceChildren(
      ...options.map((o) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'option',
              'data-value': o.value,
              onclick: () => {
                const picked = { text: o.text.text, value: o.value };
                surface.values?.set(blockId, picked);
                chosen.textContent = `Selected: ${picked.text}`;
                list.replaceChildren();
                if (dispatches) surface.action('select', blockId, element, { type: 'external_select', option: picked });
              },
            },
            o.text.text,
          ),
        ),
      ),
    );
  };
  search.addEventListener('focus', () => void load());
  search.addEventListener('input', () => void load());
  return h('div', { class: 'external-select' }, search, chosen, list);
}

function checkboxes(element: Element, blockId: string, surface: Surface, dispatches: boolean): HTMLElement {
  const options = (element.options as SlackOption[] | undefined) ?? [];
  const current = surface.values?.get(blockId);
  const picked = new Set(Array.isArray(current) ? current : []);
  return h(
    'div',
    { class: 'checkboxes' },
    ...options.map((o) => {
      const box = h('input', { type: 'checkbox', value: o.value, 'data-action': element.action_id ?? '' });
      box.checked = picked.has(o.value);
      box.addEventListener('change', () => {
        if (box.checked) picked.add(o.value);
        else picked.delete(o.value);
        surface.values?.set(blockId, [...picked]);
        if (dispatches)
          surface.action('check', blockId, element, {
            options: options
              .filter((x) => picked.has(x.value))
              .map((x) => ({ text: x.text.text ?? '', value: x.value })),
          });
      });
      const description = (o as { description?: Text }).description;
      return h(
        'label',
        { class: 'checkbox' },
        box,
        h(
          'span',
          {},
          renderText(o.text, surface),
          description ? h('span', { class: 'hint description' }, renderText(description, surface)) : null,
        ),
      );
    }),
  );
}
