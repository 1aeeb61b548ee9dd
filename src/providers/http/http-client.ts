/**
 * The HTTP layer every provider adapter shares: one keep-alive undici pool per provider, a timeout on
 * every attempt, and retries with backoff on throttling and server errors, honouring `Retry-After`,
 * within a bounded attempt budget.
 *
 * Why not undici's RetryAgent: throttling is often only visible in the body (Scaleway's 409
 * `transient_state`, EIM's `Throttling` codes), every retry must be logged and re-signed, and a request
 * that is not idempotent must never be retried once it may have reached the server.
 */
import { Pool, errors as undiciErrors } from 'undici';
import type { Logger } from '../../log.ts';
import { ProviderError } from '../../workflow/ports.ts';
import { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter, type BackoffPolicy } from '../../shared/backoff.ts';
import { noteRetry } from './retry-observer.ts';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL, starting with `/`, with its query string if any. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * Safe to send again after a timeout or a dropped connection. Non-idempotent requests (creating a
   * key) are retried only on answers that prove the server did not act (429 and throttling).
   */
  idempotent: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  attempts: number;
}

/**
 * What a provider says about an answer: hand it to the adapter, or retry it. `unprocessed` means the
 * answer proves the provider did not act (throttling), so even a non-idempotent request may go again.
 */
export type Verdict = { retry: false } | { retry: true; afterMs?: number; reason: string; unprocessed: boolean };

export interface HttpClientOptions {
  /** Provider instance id, for logs and errors. */
  provider: string;
  baseUrl: string;
  timeoutMs: number;
  connectTimeoutMs?: number;
  maxAttempts: number;
  log: Logger;
  /**
   * Signs one attempt: gets the request with its full path (base path included) and the host as sent,
   * returns the headers to add. Called again for every retry, so timestamps stay fresh.
   */
  sign?: (request: HttpRequest & { host: string }) => Record<string, string>;
  /** Provider-specific throttling detection; the default retries 429, 502, 503 and 504. */
  classify?: (response: HttpResponse) => Verdict;
  backoff?: BackoffPolicy;
  /** Longest wait a `Retry-After` may impose; past it the call fails as rate limited. */
  maxRetryAfterMs?: number;
  /** Connections kept to the provider. */
  connections?: number;
  /** For tests: waits `ms` (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export function defaultVerdict(response: HttpResponse): Verdict {
  if (!RETRYABLE_STATUS.has(response.status)) return { retry: false };
  const verdict: Verdict = { retry: true, reason: `HTTP ${response.status}`, unprocessed: response.status === 429 };
  const afterMs = parseRetryAfter(response.headers['retry-after']);
  return afterMs === undefined ? verdict : { ...verdict, afterMs };
}

export class HttpClient {
  readonly #pool: Pool;
  readonly #basePath: string;
  readonly #host: string;
  readonly #sleep: (ms: number) => Promise<void>;
  #closing: Promise<void> | undefined;

  constructor(private readonly options: HttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#host = url.host;
    this.#pool = new Pool(url.origin, {
      connections: options.connections ?? 4,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connectTimeout: options.connectTimeoutMs ?? Math.min(options.timeoutMs, 5_000),
    });
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get host(): string {
    return this.#host;
  }

  /**
   * Sends with retries. Resolves with the final response whatever its status (the adapter maps
   * errors); rejects with `ProviderError` only when no answer could be had.
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const full = { ...request, path: `${this.#basePath}${request.path}` };
    const { maxAttempts } = this.options;
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.#attempt(full, attempt);
      } catch (error) {
        const failure = this.#transportFailure(error);
        if (!request.idempotent) {
          // It may have reached the provider: the adapter must find out rather than send it again.
          throw new ProviderError('unavailable', `${failure} (not retried: the request may have been carried out)`, {
            uncertain: true,
          });
        }
        if (attempt >= maxAttempts) throw new ProviderError('unavailable', `${failure} after ${attempt} attempts`);
        await this.#wait(attempt, undefined, `${request.method} ${pathOnly(request.path)}: ${failure}`);
        continue;
      }
      const verdict = (this.options.classify ?? defaultVerdict)(response);
      if (!verdict.retry) return response;
      if ((!request.idempotent && !verdict.unprocessed) || attempt >= maxAttempts) return response;
      if (verdict.afterMs !== undefined && verdict.afterMs > (this.options.maxRetryAfterMs ?? 60_000)) return response;
      await this.#wait(attempt, verdict.afterMs, `${request.method} ${pathOnly(request.path)}: ${verdict.reason}`);
    }
  }

  /** Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= this.#pool.close();
    return this.#closing;
  }

  async #attempt(request: HttpRequest, attempt: number): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      ...request.headers,
      ...this.options.sign?.({ ...request, host: this.#host }),
    };
    const {
      statusCode,
      headers: responseHeaders,
      body,
    } = await this.#pool.request({
      method: request.method,
      path: request.path,
      headers,
      body: request.body ?? null,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    return { status: statusCode, headers: responseHeaders, body: await body.text(), attempts: attempt };
  }

  async #wait(attempt: number, afterMs: number | undefined, reason: string): Promise<void> {
    const delay = Math.max(afterMs ?? 0, backoffDelay(attempt, this.options.backoff ?? DEFAULT_BACKOFF));
    this.options.log.warn(
      { provider: this.options.provider, attempt, delayMs: delay, reason },
      'provider call will be retried',
    );
    noteRetry();
    await this.#sleep(delay);
  }

  #transportFailure(error: unknown): string {
    const name = (error as { name?: string } | null)?.name;
    if (
      name === 'TimeoutError' ||
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError
    ) {
      return `${this.options.provider} did not answer within ${this.options.timeoutMs} ms`;
    }
    if (error instanceof undiciErrors.ConnectTimeoutError) return `could not connect to ${this.#host} in time`;
    const code = (error as { code?: string } | null)?.code;
    return `${this.options.provider} connection failed (${code ?? (error as Error).message})`;
  }
}

/** A path for logs: query strings can carry credentials and signatures (JCS signs in the query). */
function pathOnly(path: string): string {
  const at = path.indexOf('?');
  return at < 0 ? path : path.slice(0, at);
}
