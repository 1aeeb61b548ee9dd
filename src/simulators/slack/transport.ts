/**
 * How a request reaches the app. HTTP: a signed POST to the app's request URL — slash commands and
 * interactions as `application/x-www-form-urlencoded` (exactly; Bolt answers 400 to a charset
 * suffix), interactions in one `payload` field, events as JSON. Socket Mode: the same payload in an
 * envelope over the app's WebSocket. Either way the result is the app's answer: the HTTP body, or
 * the ack's payload.
 */
import { request as httpRequest } from 'undici';
import { tryParseJson, type JsonObject } from './json.ts';
import { slackSignature } from './signing.ts';
import type { EnvelopeType, SocketModeServer } from './socket-mode.ts';
import type { IdFactory } from './ids.ts';

export interface DeliveryOptions {
  /** Sign with a timestamp this many seconds old (Bolt refuses more than 300). HTTP only. */
  staleSeconds?: number;
  /** Sign with the wrong secret. HTTP only. */
  badSignature?: boolean;
  /** Mark as a redelivery: X-Slack-Retry-Num/-Reason over HTTP, retry_attempt/retry_reason over Socket Mode. */
  retry?: { num: number; reason: string };
}

export interface AppResponse {
  /** False when the app did not answer within the ack timeout (Slack then shows the user an error). */
  acked: boolean;
  /** The HTTP status; 200 for a Socket Mode ack; 0 without an answer. */
  status: number;
  /** The HTTP body, or the ack payload as JSON ('' for a bare ack, as Bolt's empty HTTP answer). */
  body: string;
  /** `body` parsed when it is JSON. */
  json: unknown;
  ms: number;
}

export type AppRequest =
  | { type: 'slash_commands'; form: URLSearchParams }
  | { type: 'interactive'; payload: JsonObject }
  | { type: 'events_api'; payload: JsonObject };

export interface Transport {
  send(request: AppRequest, options: DeliveryOptions): Promise<AppResponse>;
}

const USER_AGENT = 'Slackbot 1.0 (+https://api.slack.com/robots)';

export class HttpTransport implements Transport {
  constructor(
    private readonly url: string,
    private readonly signingSecret: string,
    private readonly ackTimeoutMs: number,
  ) {}

  async send(request: AppRequest, options: DeliveryOptions): Promise<AppResponse> {
    const { body, contentType } = encode(request);
    // Signed on the real clock, not the simulator's: the app checks freshness against its own.
    const timestamp = Math.floor(Date.now() / 1000) - (options.staleSeconds ?? 0);
    const secret = options.badSignature ? `${this.signingSecret}-wrong` : this.signingSecret;
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-signature': slackSignature(secret, timestamp, body),
      'x-slack-request-timestamp': String(timestamp),
      'user-agent': USER_AGENT,
      ...(options.retry
        ? { 'x-slack-retry-num': String(options.retry.num), 'x-slack-retry-reason': options.retry.reason }
        : {}),
    };
    const started = performance.now();
    try {
      const response = await httpRequest(this.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.ackTimeoutMs),
      });
      const text = await response.body.text();
      return {
        acked: true,
        status: response.statusCode,
        body: text,
        json: text === '' ? undefined : tryParseJson(text),
        ms: performance.now() - started,
      };
    } catch (error) {
      if ((error as Error).name !== 'TimeoutError' && (error as Error).name !== 'AbortError') throw error;
      return { acked: false, status: 0, body: '', json: undefined, ms: performance.now() - started };
    }
  }
}

export class SocketTransport implements Transport {
  constructor(
    private readonly server: SocketModeServer,
    private readonly ids: IdFactory,
    private readonly ackTimeoutMs: number,
  ) {}

  async send(request: AppRequest, options: DeliveryOptions): Promise<AppResponse> {
    if (options.badSignature || options.staleSeconds !== undefined) {
      throw new Error('Socket Mode requests are not signed: badSignature/staleSeconds apply to HTTP only');
    }
    const type: EnvelopeType = request.type;
    const payload = request.type === 'slash_commands' ? Object.fromEntries(request.form) : request.payload;
    // Events always carry retry fields (0 and '' on a first delivery); other envelopes only on a retry.
    const retry = request.type === 'events_api' ? (options.retry ?? { num: 0, reason: '' }) : options.retry;
    const ack = await this.server.deliver(
      {
        envelope_id: this.ids.uuid(),
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(retry ? { retry_attempt: retry.num, retry_reason: retry.reason } : {}),
      },
      this.ackTimeoutMs,
    );
    const answered = ack.payload !== undefined && Object.keys(ack.payload).length > 0;
    return {
      acked: ack.acked,
      status: ack.acked ? 200 : 0,
      body: answered ? JSON.stringify(ack.payload) : '',
      json: answered ? ack.payload : undefined,
      ms: ack.ms,
    };
  }
}

function encode(request: AppRequest): { body: string; contentType: string } {
  switch (request.type) {
    case 'slash_commands':
      return { body: request.form.toString(), contentType: 'application/x-www-form-urlencoded' };
    case 'interactive':
      return {
        body: new URLSearchParams({ payload: JSON.stringify(request.payload) }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      };
    case 'events_api':
      return { body: JSON.stringify(request.payload), contentType: 'application/json' };
  }
}
