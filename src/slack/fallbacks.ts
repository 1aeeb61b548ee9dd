/**
 * Whatever reaches the bot that no listener claims — a button from an older release, a form whose
 * callback_id the bot no longer knows, a menu search, a shortcut — is still acknowledged (else Bolt
 * answers 404 after 3 s and Slack shows the person an error, docs/slack.md) and the person is told,
 * privately, that nothing was done. Registered last, matching only ids the other listeners do not.
 */
import type { App } from '@slack/bolt';
import { tellPrivately, type BotContext } from './context.ts';
import { BUTTONS, HANDLED_OPTIONS, HANDLED_SELECTS } from './interactions.ts';
import { REVIEW_BUTTONS } from './review-buttons.ts';
import { VIEW } from './views/ids.ts';
import { noticeModal } from './views/modals.ts';

const NOTHING_DONE =
  'I do not know that button or menu (it may come from an older version of me). Nothing was done; start again from /iam.';
const UNKNOWN_FORM =
  'I do not know this form (it may come from an older version of me). Nothing was done: close it and start again from /iam.';

/** Matches any id except these, exactly. */
function anyIdBut(ids: readonly string[]): RegExp {
  const known = ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`^(?!(?:${known})$)`);
}

export function registerFallbacks(app: App, ctx: BotContext): void {
  const views = anyIdBut(Object.values(VIEW));

  app.action({ action_id: anyIdBut([...BUTTONS, ...REVIEW_BUTTONS, ...HANDLED_SELECTS]) }, async ({ ack, body }) => {
    await ack();
    tellPrivately(ctx, body, NOTHING_DONE);
  });

  app.options({ action_id: anyIdBut(HANDLED_OPTIONS) }, async ({ ack }) => {
    await ack({ options: [] });
  });

  // The answer is the notice itself: nothing to look up, no second round-trip.
  app.view({ callback_id: views, type: 'view_submission' }, async ({ ack }) => {
    await ack({ response_action: 'update', view: noticeModal('iam-bot', UNKNOWN_FORM) });
  });

  app.view({ callback_id: views, type: 'view_closed' }, async ({ ack }) => {
    await ack();
  });

  app.shortcut(/.*/, async ({ ack, body }) => {
    await ack();
    tellPrivately(ctx, body, 'I have no shortcuts: use /iam.');
  });
}
