/**
 * The JCS wire: signs each action into the query string, sends it through the shared HttpClient, parses
 * answers with zod and turns failed answers into ProviderErrors (errors.ts) carrying the provider's request id.
 */
import type { z } from 'zod';
import type { JcsSettings } from './settings.ts';
import type { ProviderDeps } from '../deps.ts';
import { jsonBody } from '../http/errors.ts';
import { HttpClient, type HttpResponse } from '../http/http-client.ts';
import type { Answer } from '../answer.ts';
import { ProviderError } from '../../workflow/ports.ts';
import { errorMessageOf, failure, requestIdDetails, requestIdOf } from './errors.ts';
import { signedQuery, type JcsParams } from './signing.ts';

/**
 * An error answer that means the wanted state already holds: a status, or a status with the exact
 * message of JCS's error body where the status alone is shared with real failures (JCS has no error
 * codes finer than the HTTP status).
 */
export type Done = number | { status: number; message: string };

interface ActOptions {
  /** Creating a key must not be sent twice blindly; everything else JCS does is safe to repeat. */
  idempotent?: boolean;
  /** Error answers that count as success (409 "already a member" when adding). */
  done?: readonly Done[];
}

export class JcsWireClient {
  readonly #http: HttpClient;
  readonly #credentials: () => { accessKey: string; secretKey: string };

  constructor(settings: JcsSettings, deps: ProviderDeps) {
    this.#http = new HttpClient({
      provider: settings.id,
      baseUrl: settings.endpoint,
      timeoutMs: settings.timeoutMs,
      maxAttempts: settings.maxAttempts,
      // HttpClient names the request path in its retry warnings; a JCS path carries the access key id and a
      // signature that can be replayed for 5 minutes.
      log: deps.log.child({}, { serializers: { reason: (reason: string) => reason.replace(/\?[^\s:]*/g, '') } }),
      // JCS documents no throttling codes of its own: HTTP 429 and 5xx, as HttpClient classifies by default.
      ...(deps.sleep && { sleep: deps.sleep }),
      ...(deps.backoff && { backoff: deps.backoff }),
    });
    // Revealed per request, never stored as plain strings on the instance.
    this.#credentials = () => ({ accessKey: settings.accessKey.reveal(), secretKey: settings.secretKey.reveal() });
  }

  /** A read: the answer parsed by `schema`; any error status throws. */
  async read<S extends z.ZodType>(
    action: string,
    params: JcsParams,
    schema: S,
    options: ActOptions = {},
  ): Promise<Answer<z.output<S>>> {
    const idempotent = options.idempotent ?? true;
    const response = await this.#send(action, params, idempotent);
    if (!ok(response)) throw failure(action, response, idempotent);
    const parsed = schema.safeParse(jsonBody(response));
    if (!parsed.success) {
      // Paths only: zod issues can quote the input, and a credential answer holds a secret.
      const where = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(body)'))].join(', ');
      throw new ProviderError(
        'internal',
        `JCS answered ${action} in a form this bot does not understand (at ${where}).`,
        requestIdDetails(response),
      );
    }
    return { result: parsed.data, requestId: requestIdOf(response) };
  }

  /** An action answered by a status (204 for JCS's void actions); `done` statuses count as success. */
  async act(action: string, params: JcsParams, options: ActOptions = {}): Promise<Answer<{ status: number }>> {
    const idempotent = options.idempotent ?? true;
    const response = await this.#send(action, params, idempotent);
    if (!ok(response) && !options.done?.some((done) => counts(done, response)))
      throw failure(action, response, idempotent);
    return { result: { status: response.status }, requestId: requestIdOf(response) };
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  async #send(action: string, params: JcsParams, idempotent: boolean): Promise<HttpResponse> {
    const once = () =>
      this.#http.send({
        method: 'GET',
        path: `/?${signedQuery(action, params, this.#credentials(), this.#http.host, new Date())}`,
        idempotent,
      });
    const response = await once();
    // The signature lives in the query, which HttpClient cannot re-sign per attempt. When retries outlived
    // it (the server refuses a Timestamp older than 300 s with 403), sign afresh and send once more. A 403
    // proves the server did not act, so this is safe even for a request that is not idempotent.
    return response.status === 403 && response.attempts > 1 ? once() : response;
  }
}

function ok(response: HttpResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

function counts(done: Done, response: HttpResponse): boolean {
  if (typeof done === 'number') return response.status === done;
  return response.status === done.status && errorMessageOf(response) === done.message;
}
