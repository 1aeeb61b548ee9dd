/**
 * JCS's failures as ProviderErrors: the HTTP status gives the kind (JCS has no error codes finer than the
 * status), JCS's own message is kept when the body has one, and the request id is read from the headers.
 */
import { errorFromResponse, jsonBody } from '../http/errors.ts';
import type { HttpResponse } from '../http/http-client.ts';
import { ProviderError } from '../../workflow/ports.ts';
import { errorSchema } from './schemas.ts';

/** [guess] JCS documents no request id; its Keystone lineage sends `x-openstack-request-id`. */
const REQUEST_ID_HEADERS = ['x-openstack-request-id', 'x-request-id'];

/**
 * Answers a gateway or the server gives when it lost track of a request it may have carried out (503
 * means it was turned away). For a request that is not idempotent they leave the outcome uncertain.
 */
const AMBIGUOUS_STATUS = new Set([500, 502, 504]);

/**
 * JCS answers 401 and 403 with generic messages that never say why (docs/providers/jcs.md, Exact shapes), so the
 * error says what each can mean.
 */
const HINTS: Readonly<Record<number, string>> = {
  401: 'the access key is unknown or the secret key does not match it',
  403: "a permission the credentials lack, a JCS limit, or a clock more than 5 minutes behind JCS's",
};

export function errorMessageOf(response: HttpResponse): string | undefined {
  const parsed = errorSchema.safeParse(jsonBody(response));
  return parsed.success ? parsed.data.error.message : undefined;
}

/** A failed answer: JCS's own message when the body has one, the kind from the status. */
export function failure(action: string, response: HttpResponse, idempotent: boolean): ProviderError {
  const detail = errorMessageOf(response) ?? `HTTP ${response.status}`;
  const hint = HINTS[response.status];
  const error = errorFromResponse(response, `JCS ${action} failed: ${detail}${hint ? ` (${hint})` : ''}`, {
    providerRequestId: requestIdOf(response),
  });
  if (idempotent || !AMBIGUOUS_STATUS.has(response.status)) return error;
  return new ProviderError(error.kind, `${error.message} (it may have been carried out)`, {
    ...requestIdDetails(response),
    uncertain: true,
  });
}

export function requestIdOf(response: HttpResponse): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = response.headers[name];
    const id = Array.isArray(value) ? value[0] : value;
    if (id) return id;
  }
  return undefined;
}

export function requestIdDetails(response: HttpResponse): { providerRequestId?: string } {
  const providerRequestId = requestIdOf(response);
  return providerRequestId ? { providerRequestId } : {};
}
