/**
 * The Scaleway IAM v1alpha1 wire: `X-Auth-Token` authentication, JSON bodies, repeated-key array query
 * parameters, zod-parsed answers, page-number pagination and error mapping. One HttpClient (one
 * keep-alive pool) per provider instance.
 */
import type { z } from 'zod';
import type { ScalewaySettings } from './settings.ts';
import type { ProviderDeps } from '../deps.ts';
import { jsonBody } from '../http/errors.ts';
import { HttpClient, type HttpRequest } from '../http/http-client.ts';
import { callResult, type Answer } from '../answer.ts';
import { ProviderError } from '../../workflow/ports.ts';
import { classify, failureOf, requestIdOf, toProviderError, type ScalewayFailure } from './errors.ts';
import type { Page } from './schemas.ts';

export const API_PREFIX = '/iam/v1alpha1';
/** The largest page Scaleway serves: fewer round trips when paging through users or keys. */
export const PAGE_SIZE = 100;

type QueryValue = string | number | boolean | readonly string[] | undefined;

interface WireCall {
  method: HttpRequest['method'];
  /** Below `/iam/v1alpha1`, without query. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /**
   * Safe to send again when the answer is lost. Defaults to true for GET and DELETE only: a POST must
   * say so, because resending a key creation would mint a second key.
   */
  idempotent?: boolean;
}

export type Attempt<T> = ({ ok: true } & Answer<T>) | { ok: false; failure: ScalewayFailure };

export class ScalewayWireClient {
  readonly #http: HttpClient;
  readonly organizationId: string;

  constructor(settings: ScalewaySettings, deps: ProviderDeps) {
    this.organizationId = settings.organizationId;
    this.#http = new HttpClient({
      provider: settings.id,
      baseUrl: `${settings.baseUrl}${API_PREFIX}`,
      timeoutMs: settings.timeoutMs,
      maxAttempts: settings.maxAttempts,
      log: deps.log,
      // The access key is not sent: Scaleway identifies the key by its secret alone.
      sign: () => ({ 'x-auth-token': settings.secretKey.reveal() }),
      classify,
      ...(deps.sleep && { sleep: deps.sleep }),
      ...(deps.backoff && { backoff: deps.backoff }),
    });
  }

  /** Sends one call and hands a failed answer back as data, for callers that treat some as success. */
  async attempt<T>(call: WireCall, schema: z.ZodType<T>): Promise<Attempt<T>> {
    const response = await this.#http.send({
      method: call.method,
      path: `${call.path}${queryString(call.query)}`,
      ...(call.body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(call.body),
      }),
      idempotent: call.idempotent ?? (call.method === 'GET' || call.method === 'DELETE'),
    });
    if (response.status >= 300) return { ok: false, failure: failureOf(response) };
    const requestId = requestIdOf(response);
    const parsed = schema.safeParse(jsonBody(response));
    if (!parsed.success) {
      // Paths and codes only: a creation answer holds a secret, and zod messages may quote input.
      const where = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'} ${issue.code}`).join(', ');
      throw new ProviderError(
        'internal',
        `${call.method} ${call.path}: unexpected Scaleway answer (${where})`,
        callResult(requestId),
      );
    }
    return { ok: true, result: parsed.data, requestId };
  }

  /** Sends one call; a failed answer throws the matching ProviderError. */
  async call<T>(call: WireCall, schema: z.ZodType<T>, what: string): Promise<Answer<T>> {
    const result = await this.attempt(call, schema);
    if (!result.ok) throw toProviderError(result.failure, what);
    return result;
  }

  /** Every item of a paginated list in the configured Organization, fetched page by page on demand. */
  async *list<T>(
    path: string,
    query: Record<string, QueryValue>,
    schema: z.ZodType<Page<T>>,
    what: string,
  ): AsyncGenerator<T> {
    let seen = 0;
    for (let page = 1; ; page++) {
      const { result } = await this.call(
        { method: 'GET', path, query: { ...query, organization_id: this.organizationId, page, page_size: PAGE_SIZE } },
        schema,
        what,
      );
      yield* result.items;
      seen += result.items.length;
      if (result.items.length === 0 || seen >= result.total) return;
    }
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}

/** `?a=1&ids=x&ids=y`: arrays repeat their key, as Scaleway expects; undefined values are left out. */
function queryString(query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A path segment built from an id or a name. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
