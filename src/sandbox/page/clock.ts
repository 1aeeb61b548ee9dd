/// <reference lib="dom" />
/** The sidebar's clock: the sandbox's time, and what the last fast-forwards did that Slack does not show (the sweep). */
import type { FastForwarded } from './api.ts';
import { h } from './dom.ts';
import { formatSlackDate, slackTime } from './slack-date.ts';

export function renderClockNow(clock: { now: number; aheadMs: number }): HTMLElement {
  const ahead = Math.round(clock.aheadMs / 60_000);
  const when = formatSlackDate(Math.floor(clock.now / 1000), '{date_short} at {time}', clock.now);
  return h(
    'span',
    {},
    'Sandbox time: ',
    h('b', {}, when),
    ahead > 0 ? h('span', { class: 'clock-ahead' }, ` (${aheadText(ahead)} ahead)`) : '',
  );
}

function aheadText(minutes: number): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days && `${days}d`, hours && `${hours}h`, rest && `${rest}m`].filter(Boolean).join(' ');
}

/** One line per sweep the fast-forward ran. */
export function sweepLines(result: FastForwarded): string[] {
  return result.sweeps.map((s) => {
    const found =
      s.removed + s.unexplained === 0
        ? 'nothing to fix'
        : `${s.removed} removed, ${s.unexplained} unexplained reported`;
    return `${slackTime(new Date(s.at))} sweep: ${found}`;
  });
}
