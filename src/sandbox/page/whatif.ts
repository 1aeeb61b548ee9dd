/// <reference lib="dom" />
/** The policy author's "what if" view: a person and a catalog item in, the decision path out; nothing runs. */
import { act, type State, type WhatIf } from './api.ts';
import { h } from './dom.ts';

export function renderWhatIf(state: State): HTMLElement {
  const names = state.slack.names;
  const person = h(
    'select',
    { id: 'whatif-person' },
    ...state.personas.map((p) => h('option', { value: p.id }, `${p.realName} (${p.role})`)),
  );
  const item = h(
    'select',
    { id: 'whatif-item' },
    ...state.catalog.map((i) => h('option', { value: i.id }, `${i.title} — ${i.kind} on ${i.provider}`)),
  );
  const result = h('div', { class: 'whatif-result' });
  const explain = async () => {
    try {
      result.replaceChildren(
        explanation(await act<WhatIf>('whatif', { person: person.value, item: item.value }), names),
      );
    } catch (error) {
      result.replaceChildren(h('p', { class: 'error' }, (error as Error).message));
    }
  };
  return h(
    'div',
    { class: 'whatif' },
    h('h2', {}, 'What if…'),
    h(
      'p',
      { class: 'hint' },
      'Pick a person and a catalog item: see who may request it, who must approve each stage, and the provider call an approval would make. Nothing is executed.',
    ),
    h(
      'div',
      { class: 'whatif-form' },
      person,
      item,
      h('button', { class: 'btn primary', id: 'whatif-go', type: 'button', onclick: () => void explain() }, 'Explain'),
    ),
    result,
  );
}

function explanation(w: WhatIf, names: Record<string, string>): HTMLElement {
  const name = (id: string) => names[id] ?? id;
  return h(
    'div',
    {},
    h('h3', {}, `${name(w.person)} → ${w.item.title}`),
    h(
      'p',
      { class: w.mayRequest ? 'ok' : 'error' },
      w.mayRequest ? 'May request it. ' : 'May not request it. ',
      w.requestRule,
    ),
    h(
      'p',
      {},
      w.principal.ok
        ? `On ${w.item.provider} they are ${w.principal.principal}.`
        : h('span', { class: 'error' }, w.principal.message),
    ),
    h(
      'ol',
      { class: 'stages' },
      ...w.stages.map((s) =>
        h(
          'li',
          {},
          h('b', {}, s.set),
          ` — ${s.quorum} approval${s.quorum === 1 ? '' : 's'} from: `,
          s.approvers.map((a) => `${name(a.person)} (${a.via})`).join(', ') || 'nobody',
          s.problem ? h('div', { class: 'error' }, s.problem) : null,
        ),
      ),
    ),
    w.autoApproval.length > 0 ? h('h4', {}, 'Auto-approval rules (stage 1 only)') : null,
    w.autoApproval.length > 0
      ? h(
          'ul',
          { class: 'rules' },
          ...w.autoApproval.map((r) =>
            h(
              'li',
              { class: r.applies ? 'ok' : '' },
              h('b', {}, r.name),
              `: ${r.conditions}. `,
              r.applies
                ? `Would approve stage 1 now (${r.usesLeft} use${r.usesLeft === 1 ? '' : 's'} left).`
                : `Would not apply: ${r.why ?? '?'}.`,
            ),
          ),
        )
      : null,
    w.breakGlass ? h('h4', {}, 'Break-glass (emergency: at once, reviewed after)') : null,
    w.breakGlass
      ? h(
          'p',
          { class: 'break-glass' },
          `${w.breakGlass.terms}. Reviewers: `,
          w.breakGlass.reviewers.map((a) => `${name(a.person)} (${a.via})`).join(', ') || 'nobody',
          '. ',
          w.breakGlass.problem
            ? h('span', { class: 'error' }, w.breakGlass.problem)
            : `${w.breakGlass.usesLeft} use${w.breakGlass.usesLeft === 1 ? '' : 's'} left.`,
        )
      : null,
    h('h4', {}, 'Provider call once approved'),
    h('ul', { class: 'calls' }, ...w.calls.map((c) => h('li', {}, h('code', {}, c)))),
  );
}
