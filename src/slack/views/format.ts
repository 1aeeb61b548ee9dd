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
  if (s.state === 'completed' && s.grantExpiresAt !== undefined) return `:white_check_mark: Granted until ${slackDate(s.grantExpiresAt)}`;
  return STATE_LABEL[s.state];
}

const UTC_FALLBACK = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' });

/**
 * A time as a Slack date token, which each reader sees in their own time zone (WIRE.md §5); the
 * fallback, for clients that cannot render the token, reads "2 Dec 2026, 14:05 UTC" — never raw ISO.
 */
export function slackDate(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${UTC_FALLBACK.format(ms)} UTC>`;
}

/**
 * A message's `text` (notifications, screen readers) from its mrkdwn: date tokens become their
 * fallback and bold markers go. Underscores stay: emoji shortcodes (`:white_check_mark:`) and names
 * contain them.
 */
export function plainText(mrkdwn: string): string {
  return mrkdwn.replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1').replace(/\*([^*\n]+)\*/g, '$1');
}

/**
 * How people read the group a request is about: the catalog item's title, not the provider's group id
 * (often a UUID). The id is shown only in the audit thread.
 */
function groupName(group: string, item: CatalogItem | undefined): string {
  return escape(item?.title ?? group);
}

/** "join *Cloudflare admins* for 2h" — what the request does, in words. `audit` adds the provider's group id. */
export function describeOperation(request: Request, item: CatalogItem | undefined, audit = false): string {
  const op = request.operation;
  const id = (group: string) => (audit && item?.title !== undefined ? ` (group \`${escape(group)}\`)` : '');
  switch (op.kind) {
    case 'group.add':
      return `join *${groupName(op.group, item)}*${id(op.group)}${op.durationMs !== undefined ? ` for ${formatDuration(op.durationMs)}` : ''}`;
    case 'group.remove':
      return `leave *${groupName(op.group, item)}*${id(op.group)}`;
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

/** The request as approvers and the requester read it; `audit`: with the provider's ids, for the audit thread. */
/** The exact provider account a request touches and where that came from, so approvers see what they approve. */
export function targetLine(request: Request): string | undefined {
  const t = request.target;
  if (!t) return undefined;
  const from = t.rule === 'service' ? 'a service principal' : t.rule === 'map' ? "from the policy's identity map" : `from Slack email ${escape(t.email ?? '?')}`;
  return `Acts on ${escape(request.provider)} account *${escape(t.principal)}* (${from})`;
}

export function requestSummary(request: Request, item: CatalogItem | undefined, audit = false): string {
  const lines = [headline(request, item), `${mention(request.requester)} asks to ${describeOperation(request, item, audit)}.`];
  const target = targetLine(request);
  if (target) lines.push(target);
  if (request.reason) lines.push(`>${escape(request.reason).replace(/\n/g, '\n>')}`);
  return truncate(lines.join('\n'), LIMITS.sectionText);
}

/** The outcome for the audit thread: the provider's own words and request id. */
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
      return `${withSlackDates(escape(s.outcome.summary))}${s.outcome.providerRequestId ? ` — provider request ${escape(s.outcome.providerRequestId)}` : ''}`;
    default:
      return undefined;
  }
}

/** Outcome summaries name times in ISO 8601 (the audit log's form); Slack shows them as date tokens. */
function withSlackDates(text: string): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g, (iso) => slackDate(Date.parse(iso)));
}

/** The outcome for people (requester, approvers): names, not provider ids; no provider request id. */
export function peopleOutcomeLine(request: Request, item: CatalogItem | undefined): string | undefined {
  const s = request.status;
  const op = request.operation;
  if (s.state === 'failed') return `Failed (${s.error.kind}): ${escape(s.error.message)}`;
  if (s.state === 'revoked') return op.kind === 'group.add' ? `Access to *${groupName(op.group, item)}* through ${request.ref} has ended.` : undefined;
  if (s.state !== 'completed') return outcomeLine(request);
  switch (op.kind) {
    case 'group.add':
      if (op.extends !== undefined) return 'The extension is in place.';
      return s.outcome.membershipAdded === false ? `Already in *${groupName(op.group, item)}*: nothing to change.` : `Added to *${groupName(op.group, item)}*.`;
    case 'group.remove':
      return `Removed from *${groupName(op.group, item)}*.`;
    case 'key.rotate':
      return 'The new key is in use; the old key is retired.';
    case 'mfa.reset':
      return s.outcome.note ? `MFA reset: ${escape(s.outcome.note)}.` : 'MFA was reset: a new device is set up at the next sign-in.';
  }
}
