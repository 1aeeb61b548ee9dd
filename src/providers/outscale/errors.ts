/**
 * EIM error answers: which ones are throttling (retried, and proof the service did not act), and which
 * ProviderError kind each code means. Codes not listed fall back to the meaning of the HTTP status.
 */
import type { ProviderErrorKind } from '../../domain/request.ts';
import { errorFromResponse, kindForStatus } from '../http/errors.ts';
import { defaultVerdict, type HttpResponse, type Verdict } from '../http/http-client.ts';
import { parseRetryAfter } from '../../shared/backoff.ts';
import type { ProviderError } from '../../workflow/ports.ts';
import { errorAnswer, readBody } from './decode.ts';

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded']);

const KIND_BY_CODE: Readonly<Record<string, ProviderErrorKind>> = {
  NoSuchEntity: 'not_found',
  // Only AddUserToGroup can say it among the calls the bot makes: the user is already a member.
  EntityAlreadyExists: 'already_member',
  LimitExceeded: 'limit_exceeded',
  InvalidClientTokenId: 'unauthorized',
  SignatureDoesNotMatch: 'unauthorized',
  AuthFailure: 'unauthorized',
  MissingAuthenticationToken: 'unauthorized',
  IncompleteSignature: 'unauthorized',
  RequestExpired: 'unauthorized',
  AccessDenied: 'forbidden',
  ValidationError: 'invalid_request',
  InvalidInput: 'invalid_request',
  InvalidAction: 'invalid_request',
  MissingAction: 'invalid_request',
  Throttling: 'rate_limited',
  ThrottlingException: 'rate_limited',
  RequestLimitExceeded: 'rate_limited',
  ServiceUnavailable: 'unavailable',
  ServiceFailure: 'unavailable',
  InternalFailure: 'unavailable',
};

interface EimError {
  code?: string;
  message?: string;
  requestId?: string;
}

/** The code, message and request id of an error answer, as far as it can be read. */
function readError(response: HttpResponse): EimError {
  const parsed = errorAnswer.safeParse(readBody(response.body));
  const header = response.headers['x-amzn-requestid'];
  const fromHeader = typeof header === 'string' && header !== '' ? header : undefined;
  if (!parsed.success) return fromHeader === undefined ? {} : { requestId: fromHeader };
  const { Error: detail, RequestId } = parsed.data;
  const requestId = RequestId ?? fromHeader;
  return {
    code: detail.Code,
    ...(detail.Message === undefined ? {} : { message: detail.Message }),
    ...(requestId === undefined ? {} : { requestId }),
  };
}

/** Throttling codes arrive with 400, 429 or 503 alike; they prove the request was not carried out. */
export function classify(response: HttpResponse): Verdict {
  if (response.status < 400) return { retry: false };
  const { code } = readError(response);
  if (code === undefined || !THROTTLING.has(code)) return defaultVerdict(response);
  const afterMs = parseRetryAfter(response.headers['retry-after']);
  return { retry: true, reason: code, unprocessed: true, ...(afterMs === undefined ? {} : { afterMs }) };
}

/**
 * The ProviderError for an error answer to `action`. `scrub` removes our own credentials from the
 * provider's wording, which is passed on to people.
 */
export function errorFor(
  provider: string,
  action: string,
  response: HttpResponse,
  scrub: (text: string) => string,
): ProviderError {
  const { code, message, requestId } = readError(response);
  const kind = (code === undefined ? undefined : KIND_BY_CODE[code]) ?? kindForStatus(response.status);
  const said = code === undefined ? `HTTP ${response.status}` : `${code}${message ? `: ${scrub(message)}` : ''}`;
  return errorFromResponse(response, `${provider}: Outscale EIM ${action} failed: ${said}`, {
    kind,
    providerRequestId: requestId,
  });
}
