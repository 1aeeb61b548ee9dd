/** Text shared by every Slack view: how a request, a state and a person read. Nothing here holds a secret. */
import { formatDuration } from '../../domain/duration.ts';
import type { CatalogItem } from '../../domain/policy.ts';
import type { Request, State } from '../../domain/request.ts';

/** Slack's limits (WIRE.md §5). */
export const LIMITS = { sectionText: 3000, buttonText: 75, optionText: 75, modalTitle: 24, updateText: 4000, privateMetadata: 3000 } as const;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** mrkdwn treats &, < and > as control characters; people's text must not. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const mention = (user: string): string => `<@${user}>`;

const STATE_LABEL: Record<State, string> = {
  pending: ':hourglass_flowing_sand: Waiting for approval',
  approved: ':white_check_mark: Approved',
  executing: ':gear: In progress',
  completed: ':white_check_mark: Done',
  revoking: ':gear: Removing access',
  revoked: ':lock: Access ended',
  failed: ':x: Failed',
  denied: ':no_entry: Denied',
  cancelled: ':heavy_multiplication_x: Cancelled',
  expired: ':clock3: Expired',
};

export function stateLabel(request: Request): string {
  const s = request.status;
  if (s.state === 'executing' && s.rotation) {
    const waiting = { create: 'creating the new key', reveal: 'waiting for the owner to reveal the new key', confirm: 'waiting for the owner to confirm the new key is in use', retire: 'retiring the old key', rollback: 'deleting the unrevealed key' };
    return `:gear: Key rotation: ${waiting[s.rotation.step]}`;
  }
  if (s.state === 'completed' && s.grantExpiresAt !== undefined) return `:white_check_mark: Granted until <!date^${Math.floor(s.grantExpiresAt / 1000)}^{date_short_pretty} {time}|${new Date(s.grantExpiresAt).toISOString()}>`;
  return STATE_LABEL[s.state];
}

/** "add to *admins* for 2h" — what the request does, in words. */
export function describeOperation(request: Request): string {
  const op = request.operation;
  switch (op.kind) {
    case 'group.add':
      return `join *${escape(op.group)}*${op.durationMs !== undefined ? ` for ${formatDuration(op.durationMs)}` : ''}`;
    case 'group.remove':
      return `leave *${escape(op.group)}*`;
    case 'key.rotate':
      return op.principal ? `rotate the key of *${escape(op.principal)}*` : 'rotate their access key';
    case 'mfa.reset':
      return 'reset their MFA';
  }
}

export function itemTitle(request: Request, item: CatalogItem | undefined): string {
  return escape(item?.title ?? request.itemId);
}

/** One line that identifies a request anywhere: `REQ-0042 · Cloudflare admins (cf-prod)`. */
export function headline(request: Request, item: CatalogItem | undefined): string {
  return `*${request.ref}* · ${itemTitle(request, item)} (${escape(request.provider)})`;
}

export function requestSummary(request: Request, item: CatalogItem | undefined): string {
  const lines = [headline(request, item), `${mention(request.requester)} asks to ${describeOperation(request)}.`];
  if (request.reason) lines.push(`>${escape(request.reason).replace(/\n/g, '\n>')}`);
  return truncate(lines.join('\n'), LIMITS.sectionText);
}

export function outcomeLine(request: Request): string | undefined {
  const s = request.status;
  switch (s.state) {
    case 'denied':
      return `Denied by ${mention(s.by)}: ${escape(s.reason)}`;
    case 'cancelled':
      return `Cancelled by ${mention(s.by)}`;
    case 'failed':
      return `Failed (${s.error.kind}): ${escape(s.error.message)}${s.error.providerRequestId ? ` — provider request ${escape(s.error.providerRequestId)}` : ''}`;
    case 'completed':
    case 'revoked':
      return `${escape(s.outcome.summary)}${s.outcome.providerRequestId ? ` — provider request ${escape(s.outcome.providerRequestId)}` : ''}`;
    default:
      return undefined;
  }
}
