/**
 * The Bolt app: HTTP mode (signing secret, one endpoint `/slack/events` for commands, interactivity and
 * option loads) or Socket Mode (app-level token). Handlers ack at once and continue in the background.
 */
import { App, HTTPReceiver, webApi, type CustomRoute } from '@slack/bolt';
import type { RuntimeSettings } from '../config/runtime.ts';
import type { Logger } from '../log.ts';
import { registerAppHome } from './app-home.ts';
import { guardRequests } from './request-guard.ts';
import { boltLogger } from './bolt-logger.ts';
import { apiBase } from './client.ts';
import { registerCommands } from './commands.ts';
import type { BotContext } from './context.ts';
import { registerFallbacks } from './fallbacks.ts';
import { registerInteractions } from './interactions.ts';
import { registerReviewButtons } from './review-buttons.ts';

export interface SlackAppOptions {
  slack: RuntimeSettings['slack'];
  log: Logger;
  /** Operators' routes (health, readiness, metrics): next to /slack/events, or on PORT in Socket Mode. */
  routes?: CustomRoute[];
  /** True while the bot stops: HTTP mode refuses Slack's requests (503) while the routes still answer. */
  draining?: () => boolean;
}

const TRIGGER_LIFETIME_MS = 3000;

function apiUrlOf(slack: RuntimeSettings['slack']): { slackApiUrl?: string } {
  return slack.apiUrl ? { slackApiUrl: apiBase(slack.apiUrl) } : {};
}

/**
 * The client for the calls that spend a trigger_id (views.open). A trigger serves once within 3 s, so
 * such a call is never retried (a retry comes late, or twice) and never waits in the main client's
 * queue, which a 429 on any other method pauses for its whole Retry-After (docs/slack.md, "The ack path").
 */
export function createTriggerClient(options: Pick<SlackAppOptions, 'slack' | 'log'>): webApi.WebClient {
  return new webApi.WebClient(options.slack.botToken.reveal(), {
    ...apiUrlOf(options.slack),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: TRIGGER_LIFETIME_MS,
    logger: boltLogger(options.log),
  });
}

export function createSlackApp(options: SlackAppOptions): App {
  const { slack } = options;
  // Bolt's default retry policy: a notice rides out a rate limit or an outage rather than failing.
  const clientOptions: webApi.WebClientOptions = apiUrlOf(slack);
  const common = {
    token: slack.botToken.reveal(),
    clientOptions,
    logger: boltLogger(options.log),
    // auth.test runs in app.init(), so an unreachable Slack is a clear start-up error, not an unhandled rejection.
    deferInitialization: true,
  };
  const routes = options.routes ?? [];
  if (slack.mode.type === 'socket') {
    const http =
      slack.mode.port !== undefined && routes.length > 0
        ? { customRoutes: routes, installerOptions: { port: slack.mode.port } }
        : {};
    return new App({ ...common, socketMode: true, appToken: slack.mode.appToken.reveal(), ...http });
  }
  const receiver = new HTTPReceiver({
    signingSecret: slack.mode.signingSecret.reveal(),
    endpoints: '/slack/events',
    processBeforeResponse: true,
    logger: common.logger,
    customRoutes: routes,
    // A signed request Bolt cannot process is a malformed one: 400, not Bolt's default 500.
    processEventErrorHandler: async ({ error, response }) => {
      options.log.warn({ err: error }, 'Slack request could not be processed');
      if (!response.headersSent) {
        response.writeHead(400);
        response.end();
      }
      return true;
    },
  });
  const guarded = guardRequests(receiver.requestListener, options.log);
  receiver.requestListener = (req, res) => {
    if (options.draining?.() && !isRouteOf(routes, req.url)) {
      // Slack retries events, and a person sees the command fail and tries again once a replica takes it.
      res.writeHead(503, { 'retry-after': '5' });
      res.end();
      return;
    }
    guarded(req, res);
  };
  return new App({ ...common, receiver });
}

function isRouteOf(routes: readonly CustomRoute[], url: string | undefined): boolean {
  const path = new URL(url ?? '/', 'http://localhost').pathname;
  return routes.some((route) => route.path === path);
}

export function registerHandlers(app: App, ctx: BotContext): void {
  registerCommands(app, ctx);
  registerInteractions(app, ctx);
  registerReviewButtons(app, ctx);
  registerAppHome(app, ctx);
  // Last: whatever no listener above claims is still acknowledged, and the person told why nothing happened.
  registerFallbacks(app, ctx);
  app.error(async (error) => {
    ctx.log.error({ err: error }, 'Slack listener error');
  });
}
