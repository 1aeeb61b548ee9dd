/**
 * A local Slack: the Web API under /api/, response_urls under /response/, and Socket Mode
 * WebSockets under /link/, on one 127.0.0.1 port. Point Bolt at it with
 * `clientOptions: { slackApiUrl: sim.apiUrl }`; drive the app with `sim.client(…)`; read the
 * outcome from `sim.workspace` and `sim.calls`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackAppClient } from './app-client.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Delivery, SimContext, SlackIdentity } from './context.ts';
import { Directory } from './directory.ts';
import {
  FaultInjector,
  StandingConditions,
  type FaultScope,
  type NetworkConditions,
  type SlackFault,
} from './faults.ts';
import { IdFactory } from './ids.ts';
import { isObject, tryParseJson } from './json.ts';
import { MessageLog } from './messages.ts';
import { RateLimiter, type RateLimitOptions } from './rate-limits.ts';
import { ResponseUrls } from './response-urls.ts';
import { SocketModeServer } from './socket-mode.ts';
import { HttpTransport, SocketTransport } from './transport.ts';
import { TriggerRegistry } from './triggers.ts';
import { ViewRegistry } from './views.ts';
import { DEFAULT_BOT_SCOPES } from './web-api/registry.ts';
import { WebApi, type RecordedCall } from './web-api/web-api.ts';
import { Workspace } from './workspace.ts';

export interface SlackSimulatorOptions {
  /** Default: any free port. */
  port?: number;
  botToken?: string;
  appToken?: string;
  /** Scopes the bot token holds (default: all the simulated methods need). */
  botScopes?: readonly string[];
  identity?: Partial<SlackIdentity>;
  clock?: Clock;
  /** Slack's per-method rate limits (docs/slack.md), enforced unless `false`. */
  rateLimits?: boolean | RateLimitOptions;
  /** Ping Socket Mode connections at this interval (off by default). */
  socketPingIntervalMs?: number;
}

/** Where the app listens: its HTTP request URL and signing secret, or its Socket Mode connection. */
export type ClientTarget = { mode: 'http'; url: string; signingSecret: string } | { mode: 'socket' };

export interface ClientOptions {
  /** How long to wait for the app's answer; Slack gives up after 3 s. */
  ackTimeoutMs?: number;
}

const DEFAULT_BOT_TOKEN = 'xoxb-simulator-bot-token';
const DEFAULT_APP_TOKEN = 'xapp-1-simulator-app-token';

const DEFAULT_IDENTITY: SlackIdentity = {
  teamId: 'T0SIMTEAM',
  teamDomain: 'iam-sandbox',
  teamName: 'IAM Sandbox',
  appId: 'A0SIMAPP',
  botUserId: 'U0SIMBOT',
  botId: 'B0SIMBOT',
  botName: 'iam-bot',
  verificationToken: 'simulator-verification-token',
};

export class SlackSimulator {
  /** http://127.0.0.1:port */
  readonly url: string;
  /** What Bolt's `clientOptions.slackApiUrl` takes. */
  readonly apiUrl: string;
  readonly identity: SlackIdentity;
  /** Seed it; read what the app did. */
  readonly workspace: Workspace;

  private constructor(
    private readonly ctx: SimContext,
    readonly botToken: string,
    readonly appToken: string,
    readonly socketMode: SocketModeServer,
    private readonly webApi: WebApi,
    private readonly faults: FaultInjector,
    private readonly conditions: StandingConditions,
    private readonly server: Server,
  ) {
    this.url = ctx.baseUrl;
    this.apiUrl = `${ctx.baseUrl}/api/`;
    this.identity = ctx.identity;
    this.workspace = ctx.workspace;
  }

  static async start(options: SlackSimulatorOptions = {}): Promise<SlackSimulator> {
    const clock = options.clock ?? systemClock;
    const ids = new IdFactory(clock);
    const identity = { ...DEFAULT_IDENTITY, ...options.identity };
    const directory = new Directory(identity.teamId, ids);
    directory.addUser({ id: identity.botUserId, name: identity.botName, isBot: true });
    const messages = new MessageLog(ids, identity.teamId);
    const views = new ViewRegistry(ids, { teamId: identity.teamId, appId: identity.appId, botId: identity.botId });
    const bot = { user: identity.botUserId, bot_id: identity.botId, app_id: identity.appId };
    const workspace = new Workspace(directory, messages, views, new ResponseUrls(clock, ids, messages, bot));
    const socketMode = new SocketModeServer({
      appId: identity.appId,
      clock,
      ids,
      ...(options.socketPingIntervalMs === undefined ? {} : { pingIntervalMs: options.socketPingIntervalMs }),
    });

    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    const ctx: SimContext = {
      identity,
      clock,
      ids,
      workspace,
      triggers: new TriggerRegistry(clock, ids),
      deliveries: [],
      baseUrl: url,
      socketModeUrl: () => socketMode.issueUrl(`ws://127.0.0.1:${port}`),
    };
    const botToken = options.botToken ?? DEFAULT_BOT_TOKEN;
    const appToken = options.appToken ?? DEFAULT_APP_TOKEN;
    const faults = new FaultInjector();
    const conditions = new StandingConditions();
    const rateLimits =
      options.rateLimits === undefined || options.rateLimits === true ? {} : options.rateLimits || undefined;
    const webApi = new WebApi(ctx, {
      botToken,
      appToken,
      botScopes: options.botScopes ?? DEFAULT_BOT_SCOPES,
      faults,
      conditions,
      ...(rateLimits ? { rateLimiter: new RateLimiter(clock, rateLimits) } : {}),
    });
    const sim = new SlackSimulator(ctx, botToken, appToken, socketMode, webApi, faults, conditions, server);
    server.on('request', (req, res) => void sim.#route(req, res));
    server.on('upgrade', (req, socket, head: Buffer) => {
      if (!socketMode.handleUpgrade(req, socket, head)) socket.destroy();
    });
    return sim;
  }

  /** Every Web API call, in order. */
  get calls(): readonly RecordedCall[] {
    return this.webApi.calls;
  }

  /** The next `scope.count` calls (of `scope.method`, or any) meet `fault`. */
  injectFault(fault: SlackFault, scope?: FaultScope): void {
    this.faults.inject(fault, scope);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * A workspace admin installs the app again with these bot scopes (from another release's manifest, say):
   * the token stays the same and holds exactly these from the next call on.
   */
  reinstall(botScopes: readonly string[]): void {
    this.webApi.reinstall(botScopes);
  }

  /** Standing conditions for every Web API call from now on (latency, periodic 429s); `{}` ends them. */
  setConditions(conditions: NetworkConditions): void {
    this.conditions.set(conditions);
  }

  /** Every request sent to the app, with when it left and when its ack came back. */
  get deliveries(): readonly Delivery[] {
    return this.ctx.deliveries;
  }

  /** Slack's side of a conversation with the app at `target`. */
  client(target: ClientTarget, options: ClientOptions = {}): SlackAppClient {
    const ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    const transport =
      target.mode === 'http'
        ? new HttpTransport(target.url, target.signingSecret, ackTimeoutMs)
        : new SocketTransport(this.socketMode, this.ctx.ids, ackTimeoutMs);
    return new SlackAppClient(this.ctx, transport);
  }

  /**
   * A trigger_id for `user`, as Slack issues with each interaction: for tests and tools that call
   * views.open directly rather than from an app handling a request.
   */
  issueTrigger(user: string): string {
    return this.ctx.triggers.issue(user);
  }

  /**
   * The first call to `method` (already recorded or still to come) that `matches`: for apps that
   * keep working after their ack (Socket Mode, processBeforeResponse off).
   */
  async waitForCall(
    method: string,
    matches: (call: RecordedCall) => boolean = () => true,
    timeoutMs = 2000,
  ): Promise<RecordedCall> {
    const wanted = (call: RecordedCall) => call.method === method && matches(call);
    const seen = this.webApi.calls.find(wanted);
    if (seen) return seen;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`no matching ${method} call within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.webApi.onCall((call) => {
        if (!wanted(call)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(call);
      });
    });
  }

  async close(): Promise<void> {
    await this.socketMode.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://sim.invalid').pathname;
    if (path.startsWith('/api/') && (req.method === 'POST' || req.method === 'GET')) {
      return this.webApi.serve(path.slice('/api/'.length), req, body, res);
    }
    if (path.startsWith('/response/') && req.method === 'POST') {
      const answer = this.workspace.responses.post(
        path.slice('/response/'.length),
        parseResponseBody(req.headers['content-type'], body),
      );
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(answer.body));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }
}

/** Apps post JSON to a response_url; a form with a `payload` field is accepted as Slack does. */
function parseResponseBody(contentType: string | undefined, body: string): unknown {
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(body).get('payload');
    return payload === null ? undefined : tryParseJson(payload);
  }
  const parsed = tryParseJson(body);
  return isObject(parsed) ? parsed : undefined;
}

export function startSlackSimulator(options?: SlackSimulatorOptions): Promise<SlackSimulator> {
  return SlackSimulator.start(options);
}
