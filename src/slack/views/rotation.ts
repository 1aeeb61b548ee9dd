/** The key owner's side of a rotation: the Reveal DM, the one-time secret modal, the confirmation. */
import type { ModalView } from '@slack/types';
import type { CatalogItem } from '../../domain/policy.ts';
import type { Request } from '../../domain/request.ts';
import type { Secret } from '../../domain/secret.ts';
import type { Message } from './approval.ts';
import {
  fit,
  headline,
  LIMITS,
  name,
  peopleOutcomeLine,
  plainText,
  rollsInPlace,
  slackDate,
  underHeadline,
} from './format.ts';
import { ACTION, VIEW } from './ids.ts';

export function secretReadyMessage(
  request: Request,
  item: CatalogItem | undefined,
  revealBy: number,
  providerType?: string,
): Message {
  const text = rollsInPlace(request, providerType)
    ? `${headline(request, item)}\nYour token was rolled: its old value stopped working at the roll. You can reveal the new value *once*, before ${slackDate(revealBy)}; after that it cannot be shown again, and only a new rotation gives you a working value.`
    : `${headline(request, item)}\nYour new key is ready. You can reveal it *once*, before ${slackDate(revealBy)}; after that it is deleted and your old key kept.`;
  return {
    text: `${request.ref}: ${plainText(text)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: 'reveal',
        elements: [
          {
            type: 'button',
            action_id: ACTION.reveal,
            style: 'primary',
            text: { type: 'plain_text', text: 'Reveal the new key' },
            value: request.id,
          },
        ],
      },
    ],
  };
}

export function revealedMessage(request: Request, item: CatalogItem | undefined, providerType?: string): Message {
  const s = request.status;
  const confirmBy = s.state === 'executing' && s.rotation?.step === 'confirm' ? s.rotation.confirmBy : undefined;
  const rolled = rollsInPlace(request, providerType);
  const deadline =
    confirmBy === undefined
      ? ''
      : rolled
        ? ` If you have not confirmed by ${slackDate(confirmBy)}, the request is closed anyway.`
        : ` If you have not confirmed by ${slackDate(confirmBy)}, the old key is retired anyway.`;
  const body = rolled
    ? 'The new value was revealed to you. The old value stopped working at the roll, so nothing is left to retire: confirm once your systems use the new value, to close the request.'
    : 'The new key was revealed to you. Once your systems use it, confirm: the old key is then retired.';
  return {
    text: `${request.ref}: key revealed; confirm once your systems use it`,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${headline(request, item)}\n${body}${deadline}` },
      },
      {
        type: 'actions',
        block_id: 'rotation',
        elements: [
          {
            type: 'button',
            action_id: ACTION.rotationDone,
            style: 'primary',
            text: { type: 'plain_text', text: 'I have updated my systems' },
            value: request.id,
          },
        ],
      },
    ],
  };
}

/** What the owner hears when a rotation moves on without them (their own DM, and the Reveal DM's last words). */
export function rotationNews(
  event: 'rotation.confirm_deadline' | 'rotation.abandoned',
  request: Request,
  providerType?: string,
): string {
  const rolled = rollsInPlace(request, providerType);
  if (event === 'rotation.confirm_deadline') {
    return rolled
      ? 'You did not confirm the new value is in use by the deadline: the request is closed now. The old value stopped working at the roll; nothing is left to retire.'
      : 'You did not confirm the new key is in use by the deadline: your old key is being retired now, as announced.';
  }
  return rolled
    ? 'The new value was not revealed in time and cannot be shown again. The old value stopped working at the roll: request a new rotation for a working value.'
    : 'The new key was not revealed in time: it is being deleted and your old key kept.';
}

/**
 * The Reveal DM as the rotation moves on, or undefined when this event leaves it as it is: Reveal goes
 * once revealed or no longer revealable, "I have updated my systems" once confirmed or past its deadline.
 */
export function ownerKeyMessage(
  event: string,
  request: Request,
  item: CatalogItem | undefined,
  providerType?: string,
): Message | undefined {
  switch (event) {
    case 'rotation.revealed':
      return revealedMessage(request, item, providerType);
    case 'rotation.confirmed':
      return rotationSettledMessage(
        request,
        item,
        rollsInPlace(request, providerType)
          ? 'Thanks. The old value stopped working at the roll, so nothing is left to retire: closing the request.'
          : 'Thanks. Retiring your old key now; you will hear when it is done.',
      );
    case 'rotation.confirm_deadline':
    case 'rotation.abandoned':
      return rotationSettledMessage(request, item, rotationNews(event, request, providerType));
    case 'execution.completed':
    case 'execution.failed':
      return rotationSettledMessage(request, item, rotationEndText(request));
    default:
      return undefined;
  }
}

/** How the Reveal DM ends once the rotation is over: no button is left on it. */
export function rotationEndText(request: Request): string {
  const s = request.status;
  // A rolled token's outcome carries a note saying why nothing was retired.
  if (s.state === 'completed')
    return s.outcome.note !== undefined
      ? `Rotation complete. ${s.outcome.note}`
      : 'Rotation complete: your old key is retired.';
  return (
    peopleOutcomeLine(request, undefined, LIMITS.sectionText / 2) ??
    'This rotation ended without a new key; see the message above.'
  );
}

export function rotationSettledMessage(request: Request, item: CatalogItem | undefined, text: string): Message {
  // Updated with chat.update, whose text takes at most 4,000 characters.
  return {
    text: fit(`${request.ref}: ${plainText(text)}`, LIMITS.updateText),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: underHeadline(request, item, text) } }],
  };
}

/** The only place a secret is ever shown: a modal opened for its owner, once. */
export function revealModal(request: Request, keyId: string, secret: Secret): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.reveal,
    title: { type: 'plain_text', text: 'Your new key' },
    close: { type: 'plain_text', text: 'Done' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*${request.ref}* — key \`${name(keyId)}\`. Copy the secret now: it will not be shown again.`,
        },
      },
      { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${secret.reveal()}\`\`\`` } },
    ],
  };
}
