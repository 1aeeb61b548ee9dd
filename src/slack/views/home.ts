/** The App Home tab: my open requests and the approvals waiting for me. */
import type { HomeView, KnownBlock } from '@slack/types';
import type { CatalogItem } from '../../domain/policy.ts';
import type { Request } from '../../domain/request.ts';
import { headline, stateLabel, describeOperation, mention } from './format.ts';
import { ACTION, approveValue } from './ids.ts';

const MAX_LISTED = 20;

export function homeView(
  mine: readonly Request[],
  toApprove: readonly Request[],
  itemOf: (id: string) => CatalogItem | undefined,
): HomeView {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Approvals waiting for you' } }];
  if (toApprove.length === 0)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Nothing to decide.' }] });
  for (const request of toApprove.slice(0, MAX_LISTED)) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${headline(request, itemOf(request.itemId))}\n${mention(request.requester)} asks to ${describeOperation(request, itemOf(request.itemId))}`,
      },
    });
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION.approve,
          text: { type: 'plain_text', text: 'Approve' },
          style: 'primary',
          value: approveValue(request.id, request.status.state === 'pending' ? request.status.stage : 0),
        },
        {
          type: 'button',
          action_id: ACTION.deny,
          text: { type: 'plain_text', text: 'Deny' },
          style: 'danger',
          value: request.id,
        },
      ],
    });
  }
  blocks.push({ type: 'divider' }, { type: 'header', text: { type: 'plain_text', text: 'Your open requests' } });
  if (mine.length === 0)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'None. Type `/iam` to ask for access.' }] });
  for (const request of mine.slice(0, MAX_LISTED)) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `${headline(request, itemOf(request.itemId))}\n${stateLabel(request)}` },
    });
  }
  return { type: 'home', blocks };
}
