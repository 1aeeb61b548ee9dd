/**
 * A local Cloudflare API v4 for one account: user groups and their members, account members, and
 * account-owned API tokens (listing, reading, rolling). Authentication, pagination, limits and error
 * answers follow the real service; see envelope.ts for which error codes are observed and which assumed.
 */
import { SimServer } from '../shared/sim-server.ts';
import { RateLimiter } from './auth.ts';
import { CODES, fail, rateLimited } from './envelope.ts';
import type { UnknownToken } from './auth.ts';
import { handle, type DuplicateMember } from './routes.ts';
import { CloudflareState, cloudflareId, type TokenFormat } from './state.ts';

export type { UnknownToken } from './auth.ts';
export type { DuplicateMember } from './routes.ts';
export { CloudflareState } from './state.ts';
export type { SimAccountMember, SimToken, SimUserGroup, TokenAccess, TokenFormat } from './state.ts';

export interface CloudflareSimulatorOptions {
  accountId?: string;
  port?: number;
  /** Requests one token may make per window; Cloudflare allows 1200 per 5 minutes. */
  rateLimit?: { requests: number; windowMs: number };
  /** Clock for timestamps and the rate limit window. */
  now?: () => number;
  /** The form of the bot's own token values until they are rolled: new tokens are scannable. */
  tokenFormat?: TokenFormat;
  /** A second add of the same member ([guess]): refused with 409 (default) or 400, or accepted. */
  duplicateMember?: DuplicateMember;
  /** An unknown token: 401 code 10000 (default) or 403 code 9109 ([guess] which routes answer which). */
  unknownToken?: UnknownToken;
}

export interface CloudflareSimulator {
  /** Base URL: the API paths (`/accounts/...`) sit directly below it. */
  url: string;
  server: SimServer;
  accountId: string;
  /** Seed and inspect the account. */
  state: CloudflareState;
  /** Token values the simulator accepts: `token` may do everything, `readOnlyToken` only GETs. */
  credentials: { token: string; readOnlyToken: string; tokenId: string; readOnlyTokenId: string };
  close(): Promise<void>;
}

const CLOUDFLARE_RATE_LIMIT = { requests: 1200, windowMs: 5 * 60_000 };

export async function startCloudflareSimulator(options: CloudflareSimulatorOptions = {}): Promise<CloudflareSimulator> {
  const now = options.now ?? Date.now;
  const state = new CloudflareState(options.accountId ?? cloudflareId(), now);
  const format = options.tokenFormat ?? 'scannable';
  const admin = state.addToken('iam-bot', { access: 'write', format });
  const reader = state.addToken('iam-bot read-only', { access: 'read', format });
  const limiter = new RateLimiter(options.rateLimit ?? CLOUDFLARE_RATE_LIMIT, now);
  const behaviour = {
    duplicateMember: options.duplicateMember ?? 'conflict',
    unknownToken: options.unknownToken ?? 'authentication_error',
  } as const;
  const server = await SimServer.start((request) => handle(request, state, limiter, behaviour), {
    port: options.port,
    faultResponse: (status) =>
      status === 429 ? rateLimited() : fail(status, { code: CODES.internal, message: `Injected HTTP ${status}` }),
  });
  return {
    url: server.url,
    server,
    accountId: state.accountId,
    state,
    // Getters: a roll of the bot's own token changes the value it must send.
    credentials: {
      get token() {
        return admin.value;
      },
      get readOnlyToken() {
        return reader.value;
      },
      tokenId: admin.id,
      readOnlyTokenId: reader.id,
    },
    close: () => server.close(),
  };
}
