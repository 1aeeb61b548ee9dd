/** The message approvers act on, and what it becomes once their decision is no longer needed. */
import type { KnownBlock } from '@slack/types';
import type { CatalogItem } from '../../domain/policy.ts';
import type { Request } from '../../domain/request.ts';
import {
  approvalEffect,
  approver,
  describeOperation,
  LIMITS,
  mention,
  name,
  peopleOutcomeLine,
  plainText,
  requestSummary,
  stateLabel,
} from './format.ts';
import { ACTION, approveValue } from './ids.ts';

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

/**
 * The live message for one stage: the request, what approving it will do, the approvals so far, and
 * Approve / Deny. `providerType` (the policy's type of the request's provider) names the provider in words.
 */
export function approvalMessage(
  request: Request,
  item: CatalogItem | undefined,
  stage: number,
  providerType?: string,
): Message {
  const stageInfo = request.stages[stage];
  const approvals = request.approvals.filter((a) => a.stage === stage);
  const progress = stageInfo && stageInfo.quorum > 1 ? ` — ${approvals.length} of ${stageInfo.quorum} approvals` : '';
  const context = [`Stage ${stage + 1} of ${request.stages.length}: *${name(stageInfo?.set ?? '?')}*${progress}`];
  if (approvals.length > 0) context.push(`approved by ${approvals.map(approver).join(', ')}`);
  if (request.operation.kind === 'mfa.reset')
    context.push(':warning: verify the requester’s identity out of band before approving');
  return {
    text: `${request.ref}: ${mention(request.requester)} asks to ${plainText(describeOperation(request, item))}: your approval is needed`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: requestSummary(request, item) } },
      {
        type: 'section',
        block_id: 'effect',
        text: { type: 'mrkdwn', text: approvalEffect(request, item, providerType) },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] },
      {
        type: 'actions',
        block_id: 'decision',
        elements: [
          {
            type: 'button',
            action_id: ACTION.approve,
            text: { type: 'plain_text', text: 'Approve' },
            style: 'primary',
            value: approveValue(request.id, stage),
          },
          {
            type: 'button',
            action_id: ACTION.deny,
            text: { type: 'plain_text', text: 'Deny' },
            style: 'danger',
            value: request.id,
          },
        ],
      },
    ],
  };
}

/** The same message once the stage is decided or the request left `pending`: no live button remains. */
export function settledApprovalMessage(request: Request, item: CatalogItem | undefined, stage: number): Message {
  const passed = request.status.state !== 'pending' || request.status.stage > stage;
  const byThisStage = request.approvals.filter((a) => a.stage === stage).map(approver);
  const lines = [stateLabel(request)];
  if (passed && byThisStage.length > 0) lines.push(`Stage ${stage + 1} approved by ${byThisStage.join(', ')}`);
  // The outcome (a denial reason, an error message) gets the context's remaining room.
  const outcome = peopleOutcomeLine(request, item, LIMITS.contextText - lines.join(' · ').length - ' · '.length);
  if (outcome) lines.push(outcome);
  return {
    text: `${request.ref}: ${plainText(stateLabel(request))}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: requestSummary(request, item) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: lines.join(' · ') }] },
    ],
  };
}
