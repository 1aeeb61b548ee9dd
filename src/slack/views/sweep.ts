/** What the reconciliation sweep found, as a message in the audit channel. */
import type { SweepNotice } from '../../domain/notice.ts';
import { escape } from './format.ts';

export function sweepText(notice: SweepNotice): string {
  const { provider, group } = notice.finding;
  switch (notice.event) {
    case 'sweep.removed':
      return `:broom: Sweep: removed *${escape(notice.finding.member)}* from ${escape(provider)} group *${escape(group)}*: ${escape(notice.finding.grant ?? 'a grant')} had ended but the membership was still there.`;
    case 'sweep.unexplained':
      return `:mag: Sweep: *${escape(notice.finding.member)}* is in ${escape(provider)} group *${escape(group)}*, but no grant of the bot's explains it. Left in place.`;
    case 'sweep.incomplete':
      return `:warning: Sweep: could not check ${escape(provider)} group(s) *${escape(group)}* (${escape(notice.finding.problem)}), so nothing was changed there. The next sweep tries again.`;
  }
}
