/**
 * The requests Slack sends an app, field for field: slash command forms and the interaction
 * payloads (block_actions, view_submission, view_closed, block_suggestion), and Events API
 * callbacks. Shapes follow Slack's interaction-payload reference and what Bolt reads from them.
 */
import type { SlackIdentity } from './context.ts';
import type { SimUser } from './directory.ts';
import type { JsonObject } from './json.ts';

export interface SlashCommandFields {
  user: SimUser;
  channel: { id: string; name: string };
  command: string;
  text: string;
  triggerId: string;
  responseUrl: string;
}

/** The form body of a slash command, in the order Slack sends its fields. */
export function slashCommandForm(identity: SlackIdentity, fields: SlashCommandFields): URLSearchParams {
  return new URLSearchParams([
    ['token', identity.verificationToken],
    ['team_id', identity.teamId],
    ['team_domain', identity.teamDomain],
    ['channel_id', fields.channel.id],
    ['channel_name', fields.channel.name],
    ['user_id', fields.user.id],
    ['user_name', fields.user.name],
    ['command', fields.command],
    ['text', fields.text],
    ['api_app_id', identity.appId],
    ['is_enterprise_install', 'false'],
    ['response_url', fields.responseUrl],
    ['trigger_id', fields.triggerId],
  ]);
}

/** Where an interaction happened: a message (with its channel) or a view (modal or home tab). */
export type Surface =
  | {
      kind: 'message';
      channel: { id: string; name: string };
      message: JsonObject;
      ephemeral: boolean;
      responseUrl: string;
    }
  | { kind: 'view'; view: JsonObject };

export function blockActionsPayload(
  identity: SlackIdentity,
  user: SimUser,
  surface: Surface,
  triggerId: string,
  actions: JsonObject[],
): JsonObject {
  const common = {
    type: 'block_actions',
    user: userRef(user),
    api_app_id: identity.appId,
    token: identity.verificationToken,
    container: container(surface),
    trigger_id: triggerId,
    team: teamRef(identity),
    enterprise: null,
    is_enterprise_install: false,
  };
  if (surface.kind === 'view') return { ...common, view: surface.view, actions };
  return {
    ...common,
    channel: surface.channel,
    // Slack does not echo an ephemeral message back in the payload.
    ...(surface.ephemeral ? {} : { message: surface.message }),
    state: { values: {} },
    response_url: surface.responseUrl,
    actions,
  };
}

export function viewSubmissionPayload(
  identity: SlackIdentity,
  user: SimUser,
  view: JsonObject,
  triggerId: string,
): JsonObject {
  return {
    type: 'view_submission',
    team: teamRef(identity),
    user: userRef(user),
    api_app_id: identity.appId,
    token: identity.verificationToken,
    trigger_id: triggerId,
    view,
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function viewClosedPayload(
  identity: SlackIdentity,
  user: SimUser,
  view: JsonObject,
  isCleared: boolean,
): JsonObject {
  return {
    type: 'view_closed',
    team: teamRef(identity),
    user: userRef(user),
    api_app_id: identity.appId,
    token: identity.verificationToken,
    view,
    is_cleared: isCleared,
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function blockSuggestionPayload(
  identity: SlackIdentity,
  user: SimUser,
  surface: Surface,
  target: { actionId: string; blockId: string; value: string },
): JsonObject {
  return {
    type: 'block_suggestion',
    user: userRef(user),
    container: container(surface),
    api_app_id: identity.appId,
    token: identity.verificationToken,
    action_id: target.actionId,
    block_id: target.blockId,
    value: target.value,
    team: teamRef(identity),
    enterprise: null,
    is_enterprise_install: false,
    ...(surface.kind === 'view' ? { view: surface.view } : { channel: surface.channel, message: surface.message }),
  };
}

/** An Events API `event_callback` wrapping `event`, authorized for the app's bot user. */
export function eventCallback(
  identity: SlackIdentity,
  event: JsonObject,
  eventId: string,
  eventTime: number,
): JsonObject {
  return {
    token: identity.verificationToken,
    team_id: identity.teamId,
    context_team_id: identity.teamId,
    api_app_id: identity.appId,
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: eventTime,
    authorizations: [
      {
        enterprise_id: null,
        team_id: identity.teamId,
        user_id: identity.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}

function container(surface: Surface): JsonObject {
  if (surface.kind === 'view') return { type: 'view', view_id: surface.view.id };
  const { message } = surface;
  return {
    type: 'message',
    message_ts: message.ts,
    channel_id: surface.channel.id,
    is_ephemeral: surface.ephemeral,
    ...(typeof message.thread_ts === 'string' ? { thread_ts: message.thread_ts } : {}),
  };
}

function userRef(user: SimUser): JsonObject {
  return { id: user.id, username: user.name, name: user.name, team_id: user.team_id };
}

function teamRef(identity: SlackIdentity): JsonObject {
  return { id: identity.teamId, domain: identity.teamDomain };
}
