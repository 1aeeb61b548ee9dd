/** The shape of one simulated Web API method. */
import type { SimContext } from '../context.ts';
import type { JsonObject } from '../json.ts';

export interface MethodCall {
  params: JsonObject;
  /** The scopes the calling token holds. */
  scopes: readonly string[];
  /** Records advice on the call (Slack accepted it, but a reviewer should know). */
  warn(message: string): void;
}

/** Returns the success body (without `ok`) or throws SlackApiError. */
export type MethodHandler = (call: MethodCall, ctx: SimContext) => JsonObject;

export interface MethodSpec {
  handler: MethodHandler;
  /** Which token type may call it: app-level tokens only open Socket Mode connections. */
  token: 'bot' | 'app';
  /** The OAuth scope the token needs (none for auth.test and views.*). */
  scope?: string;
  /** The argument rate limits are kept per (chat.postMessage: per channel). */
  rateKey?: string;
}
