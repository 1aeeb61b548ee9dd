/** Stuck requests as admins see them (`/iam pending --all`, the admin section of App Home): longest waiting first. */
import type { KnownBlock } from '@slack/types';
import type { CatalogItem } from '../../domain/policy.ts';
import type { Waiting } from '../../workflow/waiting.ts';
import { fit, headline, LIMITS, mention, name, slackDate } from './format.ts';

/** Mentions render as each person's name in Slack; past this many, the rest are counted. */
const MAX_NAMED = 10;

/** Two lines: the request and who asked; the stage, since when, and who it waits on. */
function waitingText(entry: Waiting, item: CatalogItem | undefined): string {
  const { request } = entry;
  const s = request.status;
  const stage = s.state === 'pending' ? s.stage : 0;
  const set = request.stages[stage]?.set ?? '?';
  const escalated =
    s.state === 'pending' && s.escalatedTo !== undefined ? `, escalated to *${name(s.escalatedTo)}*` : '';
  const named = entry.waitingOn.slice(0, MAX_NAMED).map(mention).join(', ');
  const more = entry.waitingOn.length > MAX_NAMED ? ` and ${entry.waitingOn.length - MAX_NAMED} more` : '';
  const who = entry.waitingOn.length === 0 ? 'nobody can decide it now' : `waiting on ${named}${more}`;
  return `${headline(request, item)}, asked by ${mention(request.requester)}\nStage ${stage + 1} of ${request.stages.length} (*${name(set)}*${escalated}) waiting since ${slackDate(entry.since)}: ${who}`;
}

export function waitingList(
  waiting: readonly Waiting[],
  itemOf: (id: string) => CatalogItem | undefined,
  max: number,
): string {
  if (waiting.length === 0) return 'No request is waiting for approval.';
  const lines = waiting
    .slice(0, max)
    .map((entry) => `• ${waitingText(entry, itemOf(entry.request.itemId)).replace('\n', '\n    ')}`);
  if (waiting.length > max) lines.push(`…and ${waiting.length - max} more waiting less long.`);
  return `Waiting for approval, longest first:\n${lines.join('\n')}`;
}

/** The admin section of App Home, in at most `maxBlocks` blocks (a Home tab holds 100). */
export function adminHomeSection(
  waiting: readonly Waiting[],
  itemOf: (id: string) => CatalogItem | undefined,
  maxBlocks: number,
): KnownBlock[] {
  if (maxBlocks < 3) return [];
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    { type: 'header', text: { type: 'plain_text', text: 'Waiting for approval (admins)' } },
  ];
  if (waiting.length === 0)
    return [...blocks, { type: 'context', elements: [{ type: 'mrkdwn', text: 'No request is waiting.' }] }];
  const room = maxBlocks - blocks.length;
  const shown = waiting.length <= room ? waiting : waiting.slice(0, room - 1);
  for (const entry of shown)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: fit(waitingText(entry, itemOf(entry.request.itemId)), LIMITS.sectionText) },
    });
  if (shown.length < waiting.length) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…and ${waiting.length - shown.length} more waiting less long: \`/iam pending --all\` lists them.`,
        },
      ],
    });
  }
  return blocks;
}
