/// <reference lib="dom" />
/** The sidebar's "Waiting on" list: who must act next on each open request, with a one-click switch to them. */
import type { State } from './api.ts';
import { h } from './dom.ts';
import { formatSlackDate } from './slack-date.ts';

export function renderWaiting(state: State, me: string, be: (person: string) => void): HTMLElement {
  const names = state.slack.names;
  const first = (id: string) => (names[id] ?? id).split(' ')[0] ?? id;
  if (state.waiting.length === 0)
    return h('div', {}, h('h2', {}, 'Waiting on'), h('p', { class: 'idle' }, 'No open requests.'));
  return h(
    'div',
    {},
    h('h2', {}, 'Waiting on'),
    h(
      'ul',
      {},
      ...state.waiting.map((w) =>
        h(
          'li',
          { class: w.people.includes(me) ? 'mine' : '', 'data-ref': w.ref },
          h('b', {}, w.ref),
          ` ${w.title}: `,
          w.endsAt !== undefined
            ? h(
                'span',
                { class: 'idle' },
                `active until ${formatSlackDate(Math.floor(w.endsAt / 1000), '{date_short_pretty} at {time}', state.clock.now)}; ${w.action}`,
              )
            : h(
                'span',
                {},
                w.people.length > 0
                  ? h('span', { class: 'who' }, w.people.map((p) => (p === me ? 'you' : (names[p] ?? p))).join(' or '))
                  : h('span', { class: 'error' }, 'nobody here can'),
                ` to ${w.action}`,
              ),
          h(
            'div',
            {},
            ...w.people
              .filter((p) => p !== me)
              .map((p) =>
                h('button', { type: 'button', class: 'be', 'data-person': p, onclick: () => be(p) }, `Be ${first(p)}`),
              ),
          ),
        ),
      ),
    ),
  );
}
