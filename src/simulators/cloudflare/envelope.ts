/**
 * Cloudflare API v4 answers: the `{success, errors, messages, result, result_info}` envelope, a
 * `cf-ray` header on every answer, and page-number pagination.
 *
 * Codes seen in real traffic: 9106 (no credentials), 6003 + 6111 (malformed Authorization header),
 * 10000 (authentication error: 401 for an unknown token, 403 for a token without the permission),
 * 9109 (invalid access token: 403 for an unknown token on some `/accounts` routes),
 * 7003 + 7000 (unroutable path, e.g. a malformed id), 971 (rate limited). Cloudflare does not
 * document the codes for a missing object, a duplicate group member or a malformed body; the ones
 * below marked "assumed" are this simulator's choice, and the adapter does not depend on them.
 */
import { randomBytes } from 'node:crypto';
import { json, type SimResponse } from '../shared/sim-server.ts';

export interface CfProblem {
  code: number;
  message: string;
  error_chain?: CfProblem[];
}

export const CODES = {
  missingCredentials: 9106,
  invalidHeaders: 6003,
  malformedAuthorization: 6111,
  authentication: 10000,
  invalidAccessToken: 9109,
  unroutable: 7003,
  noRoute: 7000,
  rateLimited: 971,
  /** assumed */
  invalidInput: 1001,
  /** assumed */
  notFound: 1003,
  /** assumed */
  duplicate: 1004,
  /** assumed */
  internal: 10001,
} as const;

/** A ray id as Cloudflare prints it: 16 hex digits and the data centre. */
function rayId(): string {
  return `${randomBytes(8).toString('hex')}-SIM`;
}

export function ok(result: unknown, resultInfo?: Record<string, number>): SimResponse {
  const body: Record<string, unknown> = { success: true, errors: [], messages: [], result };
  if (resultInfo) body.result_info = resultInfo;
  return json(200, body, { 'cf-ray': rayId() });
}

export function fail(status: number, ...errors: CfProblem[]): SimResponse {
  return json(status, { success: false, errors, messages: [], result: null }, { 'cf-ray': rayId() });
}

export function notFound(what: string): SimResponse {
  return fail(404, { code: CODES.notFound, message: `${what} not found` });
}

export function rateLimited(retryAfterSeconds?: number): SimResponse {
  const refusal = fail(429, {
    code: CODES.rateLimited,
    message: 'Please wait and consider throttling your request speed',
  });
  if (retryAfterSeconds === undefined) return refusal;
  return { ...refusal, headers: { ...refusal.headers, 'retry-after': String(retryAfterSeconds) } };
}

export function invalidInput(message: string): SimResponse {
  return fail(400, { code: CODES.invalidInput, message });
}

export interface Paging {
  page: number;
  perPage: number;
}

export interface PageBounds {
  min: number;
  max: number;
  default: number;
}

/**
 * Each list's own `per_page` bounds and default, from Cloudflare's OpenAPI schema
 * (github.com/cloudflare/api-schemas, openapi.json at c92b9b0f: operations account-members-list-members,
 * account-api-tokens-list-tokens, account-user-group-list, account-user-group-member-list).
 */
export const PAGE_BOUNDS = {
  accountMembers: { min: 5, max: 50, default: 20 },
  accountTokens: { min: 5, max: 50, default: 20 },
  userGroups: { min: 1, max: 500, default: 100 },
  userGroupMembers: { min: 1, max: 500, default: 100 },
} as const satisfies Record<string, PageBounds>;

/** `page` and `per_page` from the query, or the refusal of values out of the list's bounds. */
export function paging(query: URLSearchParams, bounds: PageBounds): Paging | SimResponse {
  const page = integer(query.get('page'), 1);
  const perPage = integer(query.get('per_page'), bounds.default);
  if (page === undefined || page < 1) return invalidInput('page must be a positive integer');
  if (perPage === undefined || perPage < bounds.min || perPage > bounds.max) {
    return invalidInput(`per_page must be an integer between ${bounds.min} and ${bounds.max}`);
  }
  return { page, perPage };
}

function integer(text: string | null, fallback: number): number | undefined {
  if (text === null) return fallback;
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** One page of `items`; past the end the page is empty (the official SDK reads until it is). */
export function pageOf(items: readonly unknown[], { page, perPage }: Paging): SimResponse {
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return ok(slice, { page, per_page: perPage, count: slice.length, total_count: items.length });
}
