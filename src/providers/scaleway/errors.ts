/**
 * Scaleway's error answers: which ones to retry, and what each means for the workflow. Errors are flat
 * JSON keyed on `type`; the HTTP status alone is ambiguous (403 is both `permissions_denied` and
 * `quotas_exceeded`, 409 both `transient_state` and `already_exists`).
 */
import type { ProviderErrorKind } from '../../domain/request.ts';
import { parseRetryAfter } from '../../shared/backoff.ts';
import { kindForStatus, jsonBody } from '../http/errors.ts';
import { defaultVerdict, type HttpResponse, type Verdict } from '../http/http-client.ts';
import { ProviderError } from '../../workflow/ports.ts';
import { errorBodySchema, type ScalewayErrorBody } from './schemas.ts';

/** A failed answer: its status, Scaleway's error body when it sent one, and the request id. */
export interface ScalewayFailure {
  status: number;
  error: ScalewayErrorBody | undefined;
  requestId: string | undefined;
  retryAfterMs: number | undefined;
}

export function requestIdOf(response: HttpResponse): string | undefined {
  const value = response.headers['x-request-id'];
  return Array.isArray(value) ? value[0] : value;
}

export function failureOf(response: HttpResponse): ScalewayFailure {
  const parsed = errorBodySchema.safeParse(jsonBody(response));
  const error = parsed.success ? parsed.data : undefined;
  return {
    status: response.status,
    error,
    requestId: requestIdOf(response),
    retryAfterMs: retryAfterOf(response, error),
  };
}

/** `Retry-After` when the gateway sends it, else the `reset_seconds` of a `too_many_requests` body. */
function retryAfterOf(response: HttpResponse, error: ScalewayErrorBody | undefined): number | undefined {
  const header = parseRetryAfter(response.headers['retry-after']);
  if (header !== undefined) return header;
  return error?.resetSeconds === undefined ? undefined : Math.round(error.resetSeconds * 1000);
}

/**
 * Throttling (429) and a group being edited by someone else (409 `transient_state`) prove Scaleway did
 * not act, so even a key creation may go again. Everything else retryable is the shared default.
 */
export function classify(response: HttpResponse): Verdict {
  if (response.status !== 429 && response.status !== 409) return defaultVerdict(response);
  const failure = failureOf(response);
  const busy = response.status === 409 && failure.error?.type === 'transient_state';
  if (response.status === 409 && !busy) return { retry: false };
  const reason = busy ? `${failure.error?.resource ?? 'resource'} is in a transient state` : 'too many requests';
  const verdict: Verdict = { retry: true, reason, unprocessed: true };
  return failure.retryAfterMs === undefined ? verdict : { ...verdict, afterMs: failure.retryAfterMs };
}

const KIND_OF_TYPE: Readonly<Record<string, ProviderErrorKind>> = {
  denied_authentication: 'unauthorized',
  permissions_denied: 'forbidden',
  quotas_exceeded: 'limit_exceeded',
  not_found: 'not_found',
  invalid_arguments: 'invalid_request',
  invalid_request_error: 'invalid_request',
  too_many_requests: 'rate_limited',
  // Still busy after the retries: a temporary condition, not a wrong request.
  transient_state: 'unavailable',
};

/** The ProviderError for a failure; `what` says what was being done ("adding … to group …"). */
export function toProviderError(failure: ScalewayFailure, what: string): ProviderError {
  const kind = (failure.error && KIND_OF_TYPE[failure.error.type]) ?? kindForStatus(failure.status);
  const details: { providerRequestId?: string; retryAfterMs?: number } = {};
  if (failure.requestId) details.providerRequestId = failure.requestId;
  if (kind === 'rate_limited' && failure.retryAfterMs !== undefined) details.retryAfterMs = failure.retryAfterMs;
  return new ProviderError(kind, `${what}: ${describe(failure)}`, details);
}

function describe({ status, error }: ScalewayFailure): string {
  if (!error) return `Scaleway answered HTTP ${status}`;
  const list = (items: string[]) => (items.length > 0 ? `: ${items.join('; ')}` : '');
  switch (error.type) {
    case 'denied_authentication':
      return `Scaleway refused the secret key (${error.reason ?? 'denied'})`;
    case 'permissions_denied':
      return `the credentials lack a permission${list(error.details.map((d) => `${d.action ?? '?'} ${d.resource ?? '?'}`))}`;
    case 'quotas_exceeded':
      return `a Scaleway quota is reached${list(error.details.map((d) => `at most ${d.quota ?? '?'} ${d.resource ?? 'resources'} (${d.current ?? '?'} in use)`))}`;
    case 'invalid_arguments':
      return `Scaleway rejected the arguments${list(error.details.map((d) => [d.argumentName, d.reason, d.helpMessage].filter(Boolean).join(' ')))}`;
    case 'not_found':
      return `${error.resource || 'resource'} ${error.resourceId ?? ''} not found`.replace(/ +/g, ' ');
    case 'transient_state':
      return `${error.resource ?? 'resource'} ${error.resourceId ?? ''} is in a transient state (${error.currentState ?? 'changing'}); try again shortly`;
    case 'too_many_requests':
      return `Scaleway rate limit reached${error.resetSeconds === undefined ? '' : `, resets in ${error.resetSeconds} s`}`;
    default:
      return `Scaleway answered HTTP ${status} ${error.type}${error.message ? `: ${error.message}` : ''}`;
  }
}
