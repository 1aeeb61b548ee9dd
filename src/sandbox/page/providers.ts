/// <reference lib="dom" />
/** The side panel: each simulated provider's live groups, keys and MFA devices. */
import type { ProviderPanel } from './api.ts';
import { h } from './dom.ts';

export function renderProviders(panels: readonly ProviderPanel[]): HTMLElement {
  return h('div', { class: 'providers' }, ...panels.map(panel));
}

function panel(p: ProviderPanel): HTMLElement {
  return h(
    'section',
    { class: 'provider', 'data-provider': p.name },
    h('h3', {}, p.name),
    h('h4', {}, 'Groups'),
    h(
      'ul',
      {},
      ...p.groups.map((g) =>
        h(
          'li',
          { class: 'group', 'data-group': g.name },
          h('b', {}, g.name),
          ': ',
          g.members.length === 0 ? h('i', {}, 'no members') : g.members.join(', '),
        ),
      ),
    ),
    p.keys.length > 0 && h('h4', {}, 'Keys'),
    p.keys.length > 0 &&
      h(
        'ul',
        {},
        ...p.keys.map((k) => h('li', { class: 'key' }, `${k.owner}: `, h('code', {}, short(k.id)), ` ${k.status}`)),
      ),
    p.mfa.length > 0 && h('h4', {}, 'MFA'),
    p.mfa.length > 0 &&
      h('ul', {}, ...p.mfa.map((m) => h('li', { class: 'mfa' }, `${m.owner}: ${m.device} (${m.status})`))),
  );
}

const short = (id: string) => (id.length > 12 ? `${id.slice(0, 10)}…` : id);
