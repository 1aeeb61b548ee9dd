/** auth.test and apps.connections.open: who the token is, and a Socket Mode URL for app tokens. */
import type { MethodHandler } from '../method.ts';

export const test: MethodHandler = (_call, ctx) => {
  const { identity } = ctx;
  return {
    url: `https://${identity.teamDomain}.slack.com/`,
    team: identity.teamName,
    user: identity.botName,
    team_id: identity.teamId,
    user_id: identity.botUserId,
    bot_id: identity.botId,
    is_enterprise_install: false,
  };
};

export const connectionsOpen: MethodHandler = (_call, ctx) => ({ url: ctx.socketModeUrl() });
