/// <reference lib="dom" />
/**
 * The sandbox page: a small Slack-like client. It polls the persona's state and re-renders a part only
 * when its data changed, so typing in a modal or the message box is never interrupted.
 */
import { act, getState, type FastForwarded, type Message, type Option, type State, type View } from './api.ts';
import { renderBlocks, renderText, type InputValue, type Surface } from './blocks.ts';
import { renderClockNow, sweepLines } from './clock.ts';
import { h } from './dom.ts';
import type { TextContext } from './mrkdwn.ts';
import { renderProviders } from './providers.ts';
import { formatSlackDate, slackTime } from './slack-date.ts';
import { renderWaiting } from './waiting.ts';
import { renderWhatIf } from './whatif.ts';

const POLL_MS = 1000;
const $ = (id: string) => document.getElementById(id) as HTMLElement;

let persona = new URLSearchParams(location.search).get('as') ?? '';
let tab = 'dm';
let state: State | undefined;
const rendered = new Map<string, string>();
/** Entered modal values, for the open view only: a new view starts empty. */
let modalValues = { viewId: '', values: new Map<string, InputValue>() };

function toast(text: string): void {
  const box = $('toast');
  box.textContent = text;
  box.hidden = false;
  setTimeout(() => (box.hidden = true), 6000);
}

/**
 * Runs an action, shows a refusal as a toast, and refreshes the view. The busy sign stays until the view shows
 * what the action did: gone, it means the page is current (a reader, or a test, may rely on it).
 */
async function run(action: string, body: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  $('busy').hidden = false;
  try {
    return await act(action, { user: persona, ...body });
  } catch (error) {
    toast((error as Error).message);
    return undefined;
  } finally {
    await refresh();
    $('busy').hidden = true;
  }
}

/** What text needs to render: names for mentions, the sandbox's time for date tokens. */
const textContext = (): TextContext => ({ names: state?.slack.names ?? {}, now: state?.clock.now ?? Date.now() });

function surfaceFor(
  target: { message: { channel: string; ts: string } } | { view: string },
  values?: Map<string, InputValue>,
  errors?: Record<string, string>,
): Surface {
  return {
    ...textContext(),
    ...(values ? { values } : {}),
    ...(errors ? { errors } : {}),
    action: (kind, blockId, element, extra = {}) =>
      void run(kind, { actionId: element.action_id, blockId, ...target, ...extra }),
    suggest: async (actionId, value) => {
      try {
        return (await act<{ options: Option[] }>('suggest', { user: persona, actionId, value, ...target })).options;
      } catch (error) {
        toast((error as Error).message);
        return [];
      }
    },
  };
}

/** Replaces `id`'s content with `build()` only when `key` changed since the last render. */
function renderIfChanged(id: string, key: string, build: () => Node): void {
  if (rendered.get(id) === key) return;
  rendered.set(id, key);
  $(id).replaceChildren(build());
}

function renderMessage(m: Message, ephemeral = false): HTMLElement {
  const body =
    m.blocks.length > 0
      ? renderBlocks(m.blocks as never, surfaceFor({ message: { channel: m.channel, ts: m.ts } }))
      : renderText({ type: 'mrkdwn', text: m.text }, textContext());
  return h(
    'article',
    { class: `message${ephemeral ? ' ephemeral' : ''}`, 'data-ts': m.ts },
    h(
      'header',
      {},
      h('b', {}, m.author),
      h('span', { class: 'message-time' }, slackTime(new Date(Number(m.ts.split('.')[0]) * 1000))),
      m.edited ? h('span', { class: 'edited' }, ' (edited)') : null,
      ephemeral ? h('span', { class: 'only-you' }, ' Only visible to you') : null,
    ),
    body,
    m.replies.length > 0
      ? h(
          'div',
          { class: 'thread' },
          h('div', { class: 'thread-count' }, `${m.replies.length} repl${m.replies.length === 1 ? 'y' : 'ies'}`),
          ...m.replies.map((r) => renderMessage(r)),
        )
      : null,
  );
}

/** The messages, with Slack's day divider ("Today", "Yesterday", "Wednesday, December 2nd") before each new day's first. */
function withDayDividers(timeline: { m: Message; ephemeral: boolean; ts: string }[], now: number): HTMLElement[] {
  let day = '';
  return timeline.flatMap((t) => {
    const seconds = Number(t.ts.split('.')[0]);
    const next = new Date(seconds * 1000).toDateString();
    const divider =
      next === day
        ? []
        : [h('div', { class: 'day-divider' }, h('span', {}, formatSlackDate(seconds, '{date_long_pretty}', now)))];
    day = next;
    return [...divider, renderMessage(t.m, t.ephemeral)];
  });
}

/** Slack timestamps (`1764694000.000123`) in time order: ten digits of seconds, six of micros. */
const byTs = (a: { ts: string }, b: { ts: string }) => a.ts.padStart(24, '0').localeCompare(b.ts.padStart(24, '0'));

function renderNav(s: State): void {
  const select = $('persona') as HTMLSelectElement;
  renderIfChanged('persona', JSON.stringify(s.personas), () => {
    const fragment = document.createDocumentFragment();
    for (const p of s.personas) fragment.append(h('option', { value: p.id }, `${p.realName} — ${p.role}`));
    return fragment;
  });
  select.value = persona;
  const items = [
    ...s.slack.channels.map((c) => ({ id: c.id, label: `# ${c.name}` })),
    { id: 'dm', label: `@ ${s.slack.dm.name} (DM)` },
    { id: 'home', label: 'Home' },
    { id: 'whatif', label: 'What if…' },
  ];
  renderIfChanged('nav', JSON.stringify([items, tab]), () =>
    h(
      'ul',
      {},
      ...items.map((i) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: i.id === tab ? 'active' : '', 'data-tab': i.id, onclick: () => switchTab(i.id) },
            i.label,
          ),
        ),
      ),
    ),
  );
}

function renderMain(s: State): void {
  if (tab === 'whatif') return renderIfChanged('main', `whatif:${JSON.stringify(s.catalog)}`, () => renderWhatIf(s));
  if (tab === 'home') {
    const home = s.slack.home;
    return renderIfChanged('main', `home:${persona}:${JSON.stringify(home)}`, () =>
      home
        ? h('div', { class: 'home' }, renderBlocks((home.view as View).blocks, surfaceFor({ view: home.id })))
        : h('p', { class: 'hint' }, 'Opening the Home tab…'),
    );
  }
  const conversation = tab === 'dm' ? s.slack.dm : s.slack.channels.find((c) => c.id === tab);
  if (!conversation) return;
  const ephemeral = s.slack.ephemeral.filter(
    (m) => m.channel === conversation.id || (tab === 'dm' && m.channel === s.slack.dm.id),
  );
  // A change of the sandbox's day changes what "today" means in date tokens.
  renderIfChanged('main', `${tab}:${persona}:${s.clock.aheadMs}:${JSON.stringify([conversation, ephemeral])}`, () => {
    // Private answers sit among the messages at the time they came, as in Slack.
    const timeline = [
      ...conversation.messages.map((m) => ({ m, ephemeral: false, ts: m.ts })),
      ...ephemeral.map((m) => ({ m, ephemeral: true, ts: m.ts })),
    ].sort(byTs);
    const list = h('div', { class: 'messages' }, ...withDayDividers(timeline, s.clock.now));
    if (conversation.messages.length + ephemeral.length === 0)
      list.append(
        h(
          'p',
          { class: 'hint' },
          tab === 'dm' ? 'No messages yet. Type /iam below to ask for access.' : 'No messages yet.',
        ),
      );
    requestAnimationFrame(() =>
      list.parentElement ? (list.parentElement.scrollTop = list.parentElement.scrollHeight) : undefined,
    );
    return list;
  });
}

function renderModal(s: State): void {
  const modal = s.slack.modal;
  const overlay = $('modal');
  overlay.hidden = modal === null;
  if (!modal) return renderIfChanged('modal', 'none', () => document.createDocumentFragment());
  const view = modal.view;
  if (modalValues.viewId !== modal.id) modalValues = { viewId: modal.id, values: new Map() };
  renderIfChanged('modal', `${modal.id}:${view.hash}:${JSON.stringify(modal.errors)}`, () =>
    h(
      'div',
      { class: 'modal', role: 'dialog', 'data-view': modal.id },
      h('h2', {}, view.title?.text ?? ''),
      renderBlocks(view.blocks, surfaceFor({ view: modal.id }, modalValues.values, modal.errors)),
      h(
        'footer',
        {},
        h(
          'button',
          { type: 'button', class: 'btn', id: 'modal-close', onclick: () => void run('close', {}) },
          view.close?.text ?? 'Close',
        ),
        view.submit
          ? h(
              'button',
              { type: 'button', class: 'btn primary', id: 'modal-submit', onclick: () => void submit(modal.id) },
              view.submit.text,
            )
          : null,
      ),
    ),
  );
}

async function submit(viewId: string): Promise<void> {
  const values = Object.fromEntries(
    [...modalValues.values].filter(([, v]) => v !== '' && !(Array.isArray(v) && v.length === 0)),
  );
  await run('submit', { viewId, values });
}

function render(s: State): void {
  if (!s.personas.some((p) => p.id === persona)) persona = s.personas[0]?.id ?? '';
  renderNav(s);
  renderMain(s);
  // Whose Slack the pane shows now (a switch shows the previous person's until their state arrives).
  $('main').dataset.as = s.slack.user;
  renderModal(s);
  renderIfChanged('providers', JSON.stringify(s.providers), () => renderProviders(s.providers));
  renderIfChanged('waiting', JSON.stringify([persona, s.waiting, s.clock.aheadMs]), () =>
    renderWaiting(s, persona, (p) => switchPersona(p, 'dm')),
  );
  renderIfChanged('clock-now', String(Math.floor(s.clock.now / 60_000)), () => renderClockNow(s.clock));
  renderIfChanged('notes', JSON.stringify(s.notes), () => h('ul', {}, ...s.notes.map((n) => h('li', {}, n))));
}

async function refresh(): Promise<void> {
  try {
    state = await getState(persona);
    render(state);
  } catch (error) {
    toast(`The sandbox server did not answer: ${(error as Error).message}`);
  }
}

function switchTab(next: string): void {
  tab = next;
  if (tab === 'home') void run('home', {});
  else void refresh();
}

function switchPersona(next: string, nextTab = tab): void {
  persona = next;
  history.replaceState(null, '', `?as=${persona}`);
  rendered.clear();
  switchTab(nextTab);
}

async function fastForward(by: string): Promise<void> {
  const result = (await run('advance', { by })) as FastForwarded | undefined;
  if (!result) return;
  const log = $('clock-log');
  for (const line of sweepLines(result)) log.prepend(h('li', {}, line));
  while (log.children.length > 5) log.lastElementChild?.remove();
}

function start(): void {
  $('persona').addEventListener('change', (event) => switchPersona((event.target as HTMLSelectElement).value));
  document
    .querySelectorAll<HTMLButtonElement>('[data-ff]')
    .forEach((button) => button.addEventListener('click', () => void fastForward(button.dataset.ff ?? '')));
  $('review-start').addEventListener('click', () => void run('review', {}));
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('composer-text') as HTMLInputElement;
    const text = input.value.trim();
    if (!text) return;
    if (!text.startsWith('/iam'))
      return toast('Only /iam commands reach the bot here: try /iam, /iam help or /iam status.');
    input.value = '';
    if (tab !== 'dm') switchTab('dm');
    void run('command', { text });
  });
  void refresh();
  setInterval(() => void refresh(), POLL_MS);
}

start();
