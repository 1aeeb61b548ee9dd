/**
 * The Cloudflare API v4 wire client for one account: bearer authentication, request building, the
 * `{success, errors, result, result_info}` envelope, page-number pagination, and Cloudflare's
 * throttling. It knows no IAM semantics; the adapter does.
 */
import { z } from 'zod';
import type { CloudflareSettings } from './settings.ts';
import type { ProviderDeps } from '../deps.ts';
import { parseRetryAfter } from '../../shared/backoff.ts';
import { jsonBody } from '../http/errors.ts';
import { HttpClient, type HttpRequest, type HttpResponse, type Verdict } from '../http/http-client.ts';
import type { Answer } from '../answer.ts';
import { ProviderError } from '../../workflow/ports.ts';
import { cloudflareError, rayOf } from './errors.ts';
import { envelopeSchema, type ResultInfo } from './schemas.ts';

/**
 * The largest page each list accepts, so pages are few against the 1200-requests-per-5-minutes budget.
 * Each list has its own bounds (Cloudflare's OpenAPI schema, github.com/cloudflare/api-schemas):
 * account members and tokens 5..50, user groups and their members 1..500.
 */
export const PAGE_SIZE = {
  accountMembers: 50,
  accountTokens: 50,
  userGroups: 500,
  userGroupMembers: 500,
} as const;

type ListKind = keyof typeof PAGE_SIZE;

interface CloudflareCall {
  method: HttpRequest['method'];
  /** Below `/accounts/{account}`, already encoded (see `CloudflareWireClient.path`). */
  path: string;
  query?: Record<string, string | number>;
  /** Sent as JSON. */
  body?: unknown;
  idempotent: boolean;
  /** Completes "Cloudflare could not …" in error messages. */
  action: string;
}

/** An answer with its `result_info`, which paginated lists carry. */
interface PagedAnswer<T> extends Answer<T> {
  info: ResultInfo | undefined;
}

/**
 * Cloudflare limits by answering 429 with `retry-after` (the request was not carried out), and its
 * edge answers 5xx of its own (520–527) besides the usual 500–504: all are worth another attempt.
 */
function cloudflareVerdict(response: HttpResponse): Verdict {
  if (response.status !== 429 && response.status < 500) return { retry: false };
  const afterMs = parseRetryAfter(response.headers['retry-after']);
  const verdict: Verdict = { retry: true, reason: `HTTP ${response.status}`, unprocessed: response.status === 429 };
  return afterMs === undefined ? verdict : { ...verdict, afterMs };
}

export class CloudflareWireClient {
  readonly #http: HttpClient;
  readonly #accountPath: string;

  constructor(settings: CloudflareSettings, deps: ProviderDeps) {
    this.#accountPath = `/accounts/${encodeURIComponent(settings.accountId)}`;
    this.#http = new HttpClient({
      provider: settings.id,
      baseUrl: settings.baseUrl,
      timeoutMs: settings.timeoutMs,
      maxAttempts: settings.maxAttempts,
      log: deps.log,
      // The token leaves its Secret only here, per attempt, into the header Cloudflare reads.
      sign: () => ({ authorization: `Bearer ${settings.token.reveal()}` }),
      classify: cloudflareVerdict,
      sleep: deps.sleep,
      backoff: deps.backoff,
    });
  }

  /** A path below the account, each segment percent-encoded: ids come from the policy file and from people. */
  path(...segments: string[]): string {
    return segments.map((s) => `/${encodeURIComponent(s)}`).join('');
  }

  async call<T>(call: CloudflareCall, schema: z.ZodType<T>): Promise<PagedAnswer<T>> {
    const response = await this.#http.send(this.#request(call));
    const requestId = rayOf(response);
    if (response.status < 200 || response.status >= 300) throw cloudflareError(response, call.action);
    const envelope = envelopeSchema.safeParse(jsonBody(response));
    if (!envelope.success) throw unexpected(call.action, requestId, 'not an API v4 envelope');
    if (!envelope.data.success) throw cloudflareError(response, call.action);
    const result = schema.safeParse(envelope.data.result);
    // Only zod's issue messages and paths, which never repeat the values: a result may be a secret.
    if (!result.success) throw unexpected(call.action, requestId, z.prettifyError(result.error));
    return { result: result.data, requestId, info: envelope.data.result_info ?? undefined };
  }

  /**
   * Every item of a paginated list, fetched a page at a time while the caller keeps reading. Stops
   * at a short page or when `page * per_page` reaches `total_count`, so no request is spent on the
   * empty page past the end.
   */
  async *list<T>(
    kind: ListKind,
    path: string,
    query: Record<string, string>,
    item: z.ZodType<T>,
    action: string,
  ): AsyncGenerator<T> {
    const asked = PAGE_SIZE[kind];
    for (let page = 1; ; page++) {
      const { result, info } = await this.call(
        { method: 'GET', path, query: { ...query, page, per_page: asked }, idempotent: true, action },
        z.array(item),
      );
      yield* result;
      // The server may use a smaller page than asked for; its own figure decides what "short" means.
      const perPage = info?.per_page ?? asked;
      const total = info?.total_count;
      if (result.length < perPage || (total !== undefined && page * perPage >= total)) return;
    }
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  #request(call: CloudflareCall): HttpRequest {
    const query = Object.entries(call.query ?? {})
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
      .join('&');
    const request: HttpRequest = {
      method: call.method,
      path: `${this.#accountPath}${call.path}${query ? `?${query}` : ''}`,
      idempotent: call.idempotent,
    };
    if (call.body !== undefined) {
      request.body = JSON.stringify(call.body);
      request.headers = { 'content-type': 'application/json' };
    }
    return request;
  }
}

function unexpected(action: string, requestId: string | undefined, detail: string): ProviderError {
  return new ProviderError(
    'internal',
    `Cloudflare's answer when asked to ${action} was not in the expected form: ${detail}`,
    requestId ? { providerRequestId: requestId } : {},
  );
}
