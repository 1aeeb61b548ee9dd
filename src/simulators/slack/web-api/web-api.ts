/**
 * Serves POST /api/<method> like Slack: parse → injected fault → token (not_authed, invalid_auth,
 * not_allowed_token_type, missing_scope) → rate limit → the method. Every call is recorded with its
 * decoded arguments, the token used and what was answered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context.ts';
import type { FaultInjector, StandingConditions } from '../faults.ts';
import type { JsonObject } from '../json.ts';
import type { RateLimiter } from '../rate-limits.ts';
import { SlackApiError } from './errors.ts';
import { str } from './params.ts';
import { METHODS } from './registry.ts';
import { parseCall } from './request.ts';

export interface RecordedCall {
  method: string;
  /** Arguments with blocks/view/attachments decoded from their JSON strings; no token. */
  params: JsonObject;
  token?: string;
  /** Simulator clock, ms. */
  at: number;
  /** HTTP status answered (0 when the connection was dropped). */
  status: number;
  ok: boolean;
  error?: string;
  response: JsonObject;
  /** Advice on calls Slack accepts but a reviewer should see (e.g. option values over 75 characters). */
  warnings: string[];
  /** When it arrived and when it was answered (performance.now() ms): orders calls against the app's acks. */
  receivedMs: number;
  answeredMs: number;
}

export interface WebApiOptions {
  botToken: string;
  appToken: string;
  botScopes: readonly string[];
  faults: FaultInjector;
  conditions: StandingConditions;
  /** Present when per-method rate limits are enforced. */
  rateLimiter?: RateLimiter;
}

interface Answer {
  status: number;
  body: JsonObject;
  headers?: Record<string, string>;
}

export class WebApi {
  readonly calls: RecordedCall[] = [];
  readonly #listeners = new Set<(call: RecordedCall) => void>();

  /** The bot token's scopes: those it was installed with, until the app is installed again. */
  #botScopes: readonly string[];

  constructor(
    private readonly ctx: SimContext,
    private readonly options: WebApiOptions,
  ) {
    this.#botScopes = options.botScopes;
  }

  /** The app installed again with `scopes`: the bot token keeps its value and holds these from now on. */
  reinstall(scopes: readonly string[]): void {
    this.#botScopes = scopes;
  }

  /** Calls `listener` with every call recorded from now on; returns the unsubscribe function. */
  onCall(listener: (call: RecordedCall) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async serve(method: string, req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    const query = new URL(req.url ?? '/', 'http://sim.invalid').searchParams;
    const parsed = parseCall(req.headers['content-type'], body, query, req.headers.authorization);
    const params = 'error' in parsed ? {} : parsed.params;
    const token = 'error' in parsed ? undefined : parsed.token;
    const warnings: string[] = [];
    const at = this.ctx.clock();
    const receivedMs = performance.now();
    const finish = (answer: Answer) => {
      this.#record({ method, params, token, at, status: answer.status, response: answer.body, warnings, receivedMs });
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    };

    const spec = METHODS[method];
    if (!spec) return finish(refusal('unknown_method', { req_method: method }));
    if ('error' in parsed) return finish(refusal(parsed.error));

    const { conditions } = this.options;
    if (conditions.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, conditions.latencyMs));
    const limited = conditions.rateLimit(method);
    if (limited !== undefined) return finish(rateLimited(limited));

    const fault = this.options.faults.take(method);
    if (fault?.kind === 'drop') {
      this.#record({
        method,
        params,
        token,
        at,
        status: 0,
        response: { ok: false, error: 'connection_dropped' },
        warnings,
        receivedMs,
      });
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'ratelimited') return finish(rateLimited(fault.retryAfterSeconds ?? 1));
    if (fault?.kind === 'status')
      return finish({
        status: fault.status,
        body: { ok: false, error: fault.status === 503 ? 'service_unavailable' : 'internal_error' },
      });
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));

    if (token === undefined || token === '') return finish(refusal('not_authed'));
    const kind = token === this.options.botToken ? 'bot' : token === this.options.appToken ? 'app' : undefined;
    if (kind === undefined) return finish(refusal('invalid_auth'));
    if (kind !== spec.token) return finish(refusal('not_allowed_token_type'));
    const scopes = kind === 'bot' ? this.#botScopes : ['connections:write'];
    const scopeHeaders = { 'x-oauth-scopes': scopes.join(','), 'x-accepted-oauth-scopes': spec.scope ?? '' };
    if (spec.scope !== undefined && !scopes.includes(spec.scope)) {
      return finish({
        ...refusal('missing_scope', { needed: spec.scope, provided: scopes.join(',') }),
        headers: scopeHeaders,
      });
    }

    const retryAfter = this.options.rateLimiter?.take(
      method,
      spec.rateKey === undefined ? undefined : str(params, spec.rateKey),
    );
    if (retryAfter !== undefined) return finish(rateLimited(retryAfter));

    try {
      const result = spec.handler({ params, scopes, warn: (message) => warnings.push(message) }, this.ctx);
      finish({ status: 200, body: { ok: true, ...result }, headers: scopeHeaders });
    } catch (error) {
      if (error instanceof SlackApiError) return finish({ ...refusal(error.code, error.extra), headers: scopeHeaders });
      // A simulator bug: answer loudly rather than pretend Slack refused.
      finish({ status: 500, body: { ok: false, error: 'fatal_error', simulator_error: (error as Error).message } });
    }
  }

  #record(call: Omit<RecordedCall, 'ok' | 'error' | 'answeredMs'>): void {
    const error = typeof call.response.error === 'string' ? call.response.error : undefined;
    const recorded: RecordedCall = {
      ...call,
      answeredMs: performance.now(),
      ok: call.response.ok === true,
      ...(error === undefined ? {} : { error }),
    };
    this.calls.push(recorded);
    for (const listener of this.#listeners) listener(recorded);
  }
}

function refusal(error: string, extra: JsonObject = {}): Answer {
  return { status: 200, body: { ok: false, error, ...extra } };
}

function rateLimited(retryAfterSeconds: number): Answer {
  return {
    status: 429,
    body: { ok: false, error: 'ratelimited' },
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}
