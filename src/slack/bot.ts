/**
 * The Bolt app: HTTP mode (signing secret, one endpoint `/slack/events` for commands, interactivity and
 * option loads) or Socket Mode (app-level token). Handlers ack at once and continue in the background.
 */
import { App, HTTPReceiver, type webApi } from '@slack/bolt';
import type { RuntimeSettings } from '../config/runtime.ts';
import type { Logger } from '../log.ts';
import { registerAppHome } from './app-home.ts';
import { guardRequests } from './request-guard.ts';
import { boltLogger } from './bolt-logger.ts';
import { apiBase } from './client.ts';
import { registerCommands } from './commands.ts';
import type { BotContext } from './context.ts';
import { registerInteractions } from './interactions.ts';

export interface SlackAppOptions {
  slack: RuntimeSettings['slack'];
  log: Logger;
  /** Web API retry policy; Bolt's default retries for about half an hour. */
  retryConfig?: webApi.RetryOptions;
  /** How long an HTTP request nobody acknowledges is held before it is answered 404 (Bolt's default 3001 ms). */
  unhandledRequestTimeoutMs?: number;
}

export function createSlackApp(options: SlackAppOptions): App {
  const { slack } = options;
  const clientOptions: webApi.WebClientOptions = {};
  if (slack.apiUrl) clientOptions.slackApiUrl = apiBase(slack.apiUrl);
  if (options.retryConfig) clientOptions.retryConfig = options.retryConfig;
  const common = {
    token: slack.botToken.reveal(),
    clientOptions,
    logger: boltLogger(options.log),
    // auth.test runs in app.init(), so an unreachable Slack is a clear start-up error, not an unhandled rejection.
    deferInitialization: true,
  };
  if (slack.mode.type === 'socket') return new App({ ...common, socketMode: true, appToken: slack.mode.appToken.reveal() });
  const receiver = new HTTPReceiver({
    signingSecret: slack.mode.signingSecret.reveal(),
    endpoints: '/slack/events',
    processBeforeResponse: true,
    ...(options.unhandledRequestTimeoutMs ? { unhandledRequestTimeoutMillis: options.unhandledRequestTimeoutMs } : {}),
    logger: common.logger,
    customRoutes: [
      {
        path: '/healthz',
        method: ['GET'],
        handler: (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('ok');
        },
      },
    ],
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
  receiver.requestListener = guardRequests(receiver.requestListener, options.log);
  return new App({ ...common, receiver });
}

export function registerHandlers(app: App, ctx: BotContext): void {
  registerCommands(app, ctx);
  registerInteractions(app, ctx);
  registerAppHome(app, ctx);
  app.error(async (error) => {
    ctx.log.error({ err: error }, 'Slack listener error');
  });
}
