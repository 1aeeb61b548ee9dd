/** Text shared by every Slack view: how a request, a state and a person read. Nothing here holds a secret. */
import { keyStyleOf, providerLabel } from '../../config/provider-settings.ts';
import { formatDuration } from '../../domain/duration.ts';
import type { CatalogItem } from '../../domain/policy.ts';
import type { Approval, Request, State } from '../../domain/request.ts';

/** Slack's limits (docs/slack.md). */
export const LIMITS = {
  sectionText: 3000,
  contextText: 3000,
  buttonText: 75,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  modalTitle: 24,
  updateText: 4000,
  messageText: 40_000,
  privateMetadata: 3000,
} as const;

/**
 * How much of a name (catalog title, group, principal, provider, approver set, provider ids) a message
 * shows. Names are bounded so the fixed parts of a block stay far inside its limit and the rest is left
 * to the free text that follows (a reason, a provider's error message).
 */
const NAME_DISPLAY = 200;
/** How much of a provider's outcome summary a message shows (before its times become date tokens). */
const SUMMARY_DISPLAY = 500;

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * `text` as it fits in `max` characters once `encode`d (escaped for mrkdwn, quoted): whole when it
 * fits, else cut with an ellipsis between grapheme clusters, so a surrogate pair, an emoji sequence or
 * a letter and its accents are never split, nor an escape. Lengths are JavaScript's UTF-16 units, never
 * fewer than the characters Slack counts. `encode` must work character by character (it is applied to
 * each cluster).
 */
export function fit(text: string, max: number, encode: (text: string) => string = (plain) => plain): string {
  const whole = encode(text);
  if (whole.length <= max) return whole;
  if (max < ELLIPSIS.length) return '';
  let cut = '';
  for (const { segment } of graphemes.segment(text)) {
    const next = encode(segment);
    if (cut.length + next.length + ELLIPSIS.length > max) break;
    cut += next;
  }
  return cut + ELLIPSIS;
}

/** A name for mrkdwn: escaped, cut to NAME_DISPLAY. */
export function name(text: string): string {
  return fit(text, NAME_DISPLAY, escape);
}

/** mrkdwn treats &, < and > as control characters; people's text must not. */
export function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const mention = (user: string): string => `<@${user}>`;

/** Who gave an approval: a person, or "rule *on-call*" for an auto-approval rule. */
export const approver = (approval: Approval): string =>
  approval.rule !== undefined ? `rule *${name(approval.rule)}*` : mention(approval.by);

/** The auto-approval rule that passed the request's first stage, if one did. */
export const ruleApproval = (request: Request): Approval | undefined =>
  request.approvals.find((a) => a.rule !== undefined);

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
    const waiting = {
      create: 'creating the new key',
      reveal: 'waiting for the owner to reveal the new key',
      confirm: 'waiting for the owner to confirm the new key is in use',
      retire: 'retiring the old key',
      rollback: 'deleting the unrevealed key',
    };
    return `:gear: Key rotation: ${waiting[s.rotation.step]}`;
  }
  if (s.state === 'completed' && s.grantExpiresAt !== undefined)
    return `:white_check_mark: Granted until ${slackDate(s.grantExpiresAt)}`;
  return STATE_LABEL[s.state];
}

/** For a grant an access review ended: " (REQ-0042)", the removal request that took the member out; else "". */
export function removedBy(request: Request): string {
  const s = request.status;
  return s.state === 'revoking' && s.removedBy !== undefined ? ` (${escape(s.removedBy)})` : '';
}

/** What the holder of a grant an access review ended is told. */
export function reviewRemovedYou(request: Request): string {
  return `An access review removed you from the group${removedBy(request)}: your access has ended.`;
}

const UTC_FALLBACK = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' });

/**
 * A time as a Slack date token, which each reader sees in their own time zone (docs/slack.md); the
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
  return name(item?.title ?? group);
}

/**
 * "join *Cloudflare admins* for 2h" — what the request does, in words; an extension reads as one ("extend
 * their access to *Cloudflare admins* by 2h"). `audit` adds the provider's group id.
 */
export function describeOperation(request: Request, item: CatalogItem | undefined, audit = false): string {
  const op = request.operation;
  const id = (group: string) => (audit && item?.title !== undefined ? ` (group \`${name(group)}\`)` : '');
  switch (op.kind) {
    case 'group.add':
      if (op.extends !== undefined) return extensionWords(request, item, 'their', id(op.group));
      return `join *${groupName(op.group, item)}*${id(op.group)}${op.durationMs !== undefined ? ` for ${formatDuration(op.durationMs)}` : ''}`;
    case 'group.remove':
      return `leave *${groupName(op.group, item)}*${id(op.group)}`;
    case 'key.rotate':
      // A service principal is often a provider id (a Scaleway application, a Cloudflare token): people read the item's title.
      if (!op.principal) return 'rotate their access key';
      return item?.title !== undefined
        ? `rotate *${name(item.title)}*${audit ? ` (principal \`${name(op.principal)}\`)` : ''}`
        : `rotate the key of *${name(op.principal)}*`;
    case 'mfa.reset':
      return 'reset their MFA';
  }
}

/** "extend your access to *Cloudflare admins* by 2h": an extension in words, for its requester (`your`) or others. */
export function extensionWords(
  request: Request,
  item: CatalogItem | undefined,
  whose: 'their' | 'your',
  groupId = '',
): string {
  const op = request.operation;
  const group = op.kind === 'group.add' || op.kind === 'group.remove' ? op.group : request.itemId;
  const by = op.kind === 'group.add' && op.durationMs !== undefined ? ` by ${formatDuration(op.durationMs)}` : '';
  return `extend ${whose} access to *${groupName(group, item)}*${groupId}${by}`;
}

/** "Scaleway (scw-prod)": the kind of provider, and the policy's name for it. */
function providerName(request: Request, providerType: string | undefined): string {
  const kind = providerType === undefined ? undefined : providerLabel(providerType);
  return kind === undefined ? name(request.provider) : `${kind} (${name(request.provider)})`;
}

/**
 * Whether the rotation rolls a token in place (key style `roll`, as Cloudflare's descriptor declares,
 * docs/providers/cloudflare.md: the roll returns a new value for the same token id, and the old value stops
 * working at once) rather than adding a key beside the old one: then nothing is left to retire, and an
 * unrevealed value cannot be undone. `providerType` is the policy's type of the request's provider.
 */
export function rollsInPlace(request: Request, providerType: string | undefined): boolean {
  return request.operation.kind === 'key.rotate' && providerType !== undefined && keyStyleOf(providerType) === 'roll';
}

/** Who a request acts on, as approvers check it: their Slack email (or the service) and the provider's principal. */
function subjectOf(request: Request, item: CatalogItem | undefined, providerType: string | undefined): string {
  const t = request.target;
  const provider =
    providerType === undefined ? name(request.provider) : (providerLabel(providerType) ?? name(request.provider));
  if (!t) return mention(request.requester);
  if (t.rule === 'service')
    return `*${name(item?.title ?? t.principal)}* (${provider} principal \`${name(t.principal)}\`)`;
  if (t.rule === 'listed') return `${provider} principal \`${name(t.principal)}\``;
  return `${t.email !== undefined ? name(t.email) : mention(request.requester)} (${provider} principal \`${name(t.principal)}\`)`;
}

/**
 * What an approval will do, in words, for the people deciding: "Approving adds alice@example.com
 * (Scaleway principal `…`) to *Developers* on Scaleway (scw) for 4h."
 */
export function approvalEffect(request: Request, item: CatalogItem | undefined, providerType?: string): string {
  const op = request.operation;
  const who = subjectOf(request, item, providerType);
  const on = `on ${providerName(request, providerType)}`;
  switch (op.kind) {
    case 'group.add': {
      const group = `*${groupName(op.group, item)}*`;
      if (op.extends !== undefined)
        return `Approving extends the access of ${who} to ${group} ${on}${op.durationMs !== undefined ? ` by ${formatDuration(op.durationMs)}` : ''}.`;
      const period =
        op.durationMs !== undefined
          ? `for ${formatDuration(op.durationMs)}, then removes them`
          : 'with no end: the access is permanent until someone removes it';
      return `Approving adds ${who} to ${group} ${on} ${period}.`;
    }
    case 'group.remove':
      return `Approving removes ${who} from *${groupName(op.group, item)}* ${on}.`;
    case 'key.rotate':
      if (rollsInPlace(request, providerType)) {
        return `Approving rolls the token of ${who} ${on}: its current value stops working at once, and ${mention(request.requester)} can reveal the new value once.`;
      }
      return `Approving creates a new access key for ${who} ${on}; ${mention(request.requester)} can reveal it once, and the old key is retired once they confirm.`;
    case 'mfa.reset':
      return `Approving removes the MFA device of ${who} ${on}: whoever signs in with their password next sets up a new one.`;
  }
}

function itemTitle(request: Request, item: CatalogItem | undefined): string {
  return name(item?.title ?? request.itemId);
}

/** One line that identifies a request anywhere: `REQ-0042 · Cloudflare admins (cf-prod)`. */
export function headline(request: Request, item: CatalogItem | undefined): string {
  return `*${request.ref}* · ${itemTitle(request, item)} (${name(request.provider)})`;
}

/** The exact provider account a request touches and where that came from, so approvers see what they approve. */
export function targetLine(request: Request): string | undefined {
  const t = request.target;
  if (!t) return undefined;
  const from =
    t.rule === 'service'
      ? 'a service principal'
      : t.rule === 'listed'
        ? "as the group's member list names it, decided in an access review"
        : t.rule === 'map'
          ? "from the policy's identity map"
          : `from Slack email ${name(t.email ?? '?')}`;
  return `Acts on ${name(request.provider)} account *${name(t.principal)}* (${from})`;
}

/**
 * A section's text: the request's headline over `text` (mrkdwn the caller built, sized to fit when it
 * carries free text), cut as a last resort so Slack never refuses the message.
 */
export function underHeadline(request: Request, item: CatalogItem | undefined, text: string): string {
  const head = headline(request, item);
  return `${head}\n${fit(text, LIMITS.sectionText - head.length - 1)}`;
}

/** A reason as a mrkdwn quote: escaped, each line marked. */
const quoted = (text: string): string => escape(text).replace(/\n/g, '\n>');

/**
 * The request as approvers and the requester read it; `audit`: with the provider's ids, for the audit
 * thread. The reason gets whatever room the section has left (docs/slack.md: a 3000-character reason must
 * still fit): the whole reason stays in the audit log and `/iam status`.
 */
export function requestSummary(request: Request, item: CatalogItem | undefined, audit = false): string {
  const lines = [
    headline(request, item),
    `${mention(request.requester)} asks to ${describeOperation(request, item, audit)}.`,
  ];
  const target = targetLine(request);
  if (target) lines.push(target);
  const head = lines.join('\n');
  if (!request.reason) return head;
  return `${head}\n>${fit(request.reason, LIMITS.sectionText - head.length - 2, quoted)}`;
}

/** `head` then `free` text, escaped and cut so the whole is at most `max` characters. */
export function withFree(head: string, free: string, max: number, tail = ''): string {
  return `${head}${fit(free, max - head.length - tail.length, escape)}${tail}`;
}

/**
 * The outcome for the audit thread: the provider's own words and request id, in at most `max`
 * characters (a denial reason or error message is cut to fit; names and ids are bounded).
 */
export function outcomeLine(request: Request, max: number = LIMITS.messageText): string | undefined {
  const s = request.status;
  switch (s.state) {
    case 'denied':
      return withFree(`Denied by ${mention(s.by)}: `, s.reason, max);
    case 'cancelled':
      return `Cancelled by ${mention(s.by)}`;
    case 'failed':
      return withFree(
        `Failed (${s.error.kind}): `,
        s.error.message,
        max,
        s.error.providerRequestId ? ` — provider request ${name(s.error.providerRequestId)}` : '',
      );
    case 'completed':
    case 'revoked':
      return `${withSlackDates(fit(s.outcome.summary, SUMMARY_DISPLAY, escape))}${s.outcome.providerRequestId ? ` — provider request ${name(s.outcome.providerRequestId)}` : ''}`;
    default:
      return undefined;
  }
}

/** Outcome summaries name times in ISO 8601 (the audit log's form); Slack shows them as date tokens. */
function withSlackDates(text: string): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g, (iso) => slackDate(Date.parse(iso)));
}

/** The outcome for people (requester, approvers): names, not provider ids; no provider request id; at most `max` characters. */
export function peopleOutcomeLine(
  request: Request,
  item: CatalogItem | undefined,
  max: number = LIMITS.messageText,
): string | undefined {
  const s = request.status;
  const op = request.operation;
  if (s.state === 'failed') return withFree(`Failed (${s.error.kind}): `, s.error.message, max);
  if (s.state === 'revoked')
    return op.kind === 'group.add'
      ? `Access to *${groupName(op.group, item)}* through ${request.ref} has ended.`
      : undefined;
  if (s.state !== 'completed') return outcomeLine(request, max);
  switch (op.kind) {
    case 'group.add':
      if (op.extends !== undefined) return 'The extension is in place.';
      return s.outcome.membershipAdded === false
        ? `Already in *${groupName(op.group, item)}*: nothing to change.`
        : `Added to *${groupName(op.group, item)}*.`;
    case 'group.remove':
      return `Removed from *${groupName(op.group, item)}*.`;
    case 'key.rotate':
      // A rolled token's note says why nothing was retired.
      return s.outcome.note ? withFree('', s.outcome.note, max) : 'The new key is in use; the old key is retired.';
    case 'mfa.reset':
      return s.outcome.note
        ? withFree('MFA reset: ', s.outcome.note, max, '.')
        : 'MFA was reset: a new device is set up at the next sign-in.';
  }
}
