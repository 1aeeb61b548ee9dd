/** The default meaning of an HTTP status, for answers a provider's own error codes do not refine. */
import type { ProviderErrorKind } from '../../domain/request.ts';
import { ProviderError } from '../../workflow/ports.ts';
import { parseRetryAfter } from '../../shared/backoff.ts';
import type { HttpResponse } from './http-client.ts';

export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 400 || status === 422) return 'invalid_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'invalid_request';
}

/** A ProviderError for a failed answer, carrying the provider's request id and any `Retry-After`. */
export function errorFromResponse(
  response: HttpResponse,
  message: string,
  options: { kind?: ProviderErrorKind; providerRequestId?: string | undefined } = {},
): ProviderError {
  const kind = options.kind ?? kindForStatus(response.status);
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  const details: { providerRequestId?: string; retryAfterMs?: number } = {};
  if (options.providerRequestId) details.providerRequestId = options.providerRequestId;
  if (kind === 'rate_limited' && retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  return new ProviderError(kind, message, details);
}

/** Parses a JSON body, or returns undefined for an empty or non-JSON one. */
export function jsonBody(response: HttpResponse): unknown {
  if (response.body.trim() === '') return undefined;
  try {
    return JSON.parse(response.body);
  } catch {
    return undefined;
  }
}
