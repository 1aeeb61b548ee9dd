/**
 * Who is calling, as Cloudflare decides it: an `Authorization: Bearer <token>` header whose token is
 * active in the account, within the per-user request budget.
 */
import type { SimRequest, SimResponse } from '../shared/sim-server.ts';
import { CODES, fail, rateLimited } from './envelope.ts';
import type { CloudflareState, SimToken } from './state.ts';

// Cloudflare rejects a header that is not `Bearer` + a token of its alphabet before looking the token up.
// No length: legacy values have 40 characters, scannable ones (`cfat_…`) 53
// (docs/providers/cloudflare.md, "What the simulator plays").
const BEARER = /^Bearer ([A-Za-z0-9_-]+)$/;

export type Authentication = { token: SimToken } | { refusal: SimResponse };

/**
 * What a token Cloudflare does not know gets (docs/providers/cloudflare.md, from public reports): 401 code 10000
 * "Authentication error", or on some `/accounts` routes 403 code 9109 "Invalid access token".
 */
export type UnknownToken = 'authentication_error' | 'invalid_access_token';

export function authenticate(request: SimRequest, state: CloudflareState, unknownToken: UnknownToken): Authentication {
  const header = request.headers.authorization;
  if (header === undefined) {
    return {
      refusal: fail(400, {
        code: CODES.missingCredentials,
        message: 'Missing X-Auth-Key, X-Auth-Email or Authorization headers',
      }),
    };
  }
  const match = BEARER.exec(Array.isArray(header) ? (header[0] ?? '') : header);
  if (!match?.[1]) {
    return {
      refusal: fail(400, {
        code: CODES.invalidHeaders,
        message: 'Invalid request headers',
        error_chain: [{ code: CODES.malformedAuthorization, message: 'Invalid format for Authorization header' }],
      }),
    };
  }
  const token = state.tokenByValue(match[1]);
  if (!token || token.status !== 'active') {
    const refusal =
      unknownToken === 'authentication_error'
        ? authenticationError(401)
        : fail(403, { code: CODES.invalidAccessToken, message: 'Invalid access token' });
    return { refusal };
  }
  return { token };
}

/** 401 for a token Cloudflare does not know, 403 for one that may not do this. */
export function authenticationError(status: 401 | 403): SimResponse {
  return fail(status, { code: CODES.authentication, message: 'Authentication error' });
}

/** Cloudflare: 1200 requests per 5 minutes per user; past it, 429 until the window ends. */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: { requests: number; windowMs: number },
    private readonly now: () => number,
  ) {}

  /** Counts one request; a refusal with `retry-after` when over the budget. */
  take(key: string): SimResponse | undefined {
    const now = this.now();
    let window = this.#windows.get(key);
    if (!window || now - window.start >= this.limit.windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count++;
    if (window.count <= this.limit.requests) return undefined;
    const retryAfter = Math.max(1, Math.ceil((window.start + this.limit.windowMs - now) / 1000));
    return rateLimited(retryAfter);
  }
}
