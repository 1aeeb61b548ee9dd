/** The holder's side of a timed grant: the warning before it ends, with Extend and "I'm done". */
import type { KnownBlock } from '@slack/types';
import type { CatalogItem } from '../../domain/policy.ts';
import type { Request } from '../../domain/request.ts';
import type { Message } from './approval.ts';
import {
  fit,
  headline,
  LIMITS,
  peopleOutcomeLine,
  plainText,
  slackDate,
  stateLabel,
  underHeadline,
  withFree,
  reviewRemovedYou,
} from './format.ts';
import { ACTION } from './ids.ts';

function grantButtons(request: Request, extend: boolean): KnownBlock {
  const done = {
    type: 'button' as const,
    action_id: ACTION.release,
    text: { type: 'plain_text' as const, text: "I'm done" },
    value: request.id,
  };
  const more = {
    type: 'button' as const,
    action_id: ACTION.extend,
    style: 'primary' as const,
    text: { type: 'plain_text' as const, text: 'Extend' },
    value: request.id,
  };
  return { type: 'actions', block_id: 'grant', elements: extend ? [more, done] : [done] };
}

export function expiringMessage(request: Request, item: CatalogItem | undefined, endsAt: number): Message {
  const text = `${headline(request, item)}\nYour access ends ${slackDate(endsAt)}. Need more time? Ask to extend it; done already? Release it now.`;
  return {
    text: `${request.ref}: ${plainText(text)}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, grantButtons(request, true)],
  };
}

/** The grant is in place: the holder can end it early. */
export function grantedMessage(request: Request, item: CatalogItem | undefined, text: string): Message {
  return {
    text: `${request.ref}: ${plainText(text)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: underHeadline(request, item, text) } },
      grantButtons(request, false),
    ],
  };
}

/**
 * A grant message once the access it offered to extend or end is over: the same headline, what became
 * of the access, and no button.
 */
export function grantEndedMessage(request: Request, item: CatalogItem | undefined): Message {
  const s = request.status;
  // A failed removal's provider message gets half the section: the headline and label are bounded.
  const outcome = peopleOutcomeLine(request, item, LIMITS.sectionText / 2);
  const text =
    s.state === 'revoking'
      ? s.trigger === 'released'
        ? 'Released early: removing your access now. There is nothing left to extend or end.'
        : s.trigger === 'removed'
          ? `${reviewRemovedYou(request)} There is nothing left to extend or end.`
          : 'Your access period is over: removing it now. There is nothing left to extend or end.'
      : [stateLabel(request), outcome].filter(Boolean).join('\n');
  return {
    text: fit(`${request.ref}: ${plainText(text)}`, LIMITS.updateText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: underHeadline(request, item, text) } }],
  };
}

/** For the admins: removing a grant keeps failing; the provider's message gets the section's remaining room. */
export function revokeFailingMessage(request: Request, item: CatalogItem | undefined): Message {
  const error = request.status.state === 'revoking' ? request.status.lastError : undefined;
  const head = `:rotating_light: ${headline(request, item)}\nRemoving <@${request.requester}>'s access keeps failing`;
  const tail = '. The bot keeps retrying; please check the provider.';
  const text = error
    ? withFree(`${head} (${error.kind}: `, error.message, LIMITS.sectionText, `)${tail}`)
    : `${head}${tail}`;
  return {
    text: `${request.ref}: revoke keeps failing`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}

/**
 * For the admins: the provider acknowledged a change its own reads do not show, so the request failed
 * (`unverified`) instead of being reported done. The read-back's words get the section's remaining room.
 */
export function unverifiedEffectMessage(request: Request, item: CatalogItem | undefined): Message {
  const error = request.status.state === 'failed' ? request.status.error : undefined;
  const head = `:rotating_light: ${headline(request, item)}\n${request.provider} acknowledged the change, but reading it back does not show it`;
  const tail = `. ${request.ref} is failed, not done: check the provider, then \`/iam retry ${request.ref}\`.`;
  const text = error ? withFree(`${head} (`, error.message, LIMITS.sectionText, `)${tail}`) : `${head}${tail}`;
  return {
    text: `${request.ref}: change not verified on the provider`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  };
}
