/**
 * What a Slack Web API error is, read from its codes, never from its English message: the client's
 * `ErrorCode` (@slack/web-api, re-exported by Bolt as `webApi`: platform, rate limited, request, HTTP) and,
 * for a platform error, the `error` string of Slack's `ok: false` answer (`not_in_channel`, `user_not_found`;
 * https://api.slack.com/web#errors and each method's page; docs/slack.md, "Posting to channels" and "Rate limits").
 */
import { webApi } from '@slack/bolt';

const { ErrorCode } = webApi;

/** Slack's `error` string when Slack answered `ok: false` (a platform error); else undefined. */
export function platformError(error: unknown): string | undefined {
  const e = error as { code?: unknown; data?: { error?: unknown } } | null;
  return e?.code === ErrorCode.PlatformError && typeof e.data?.error === 'string' ? e.data.error : undefined;
}

/** The seconds Slack asks to wait when it answered 429 and the client did not wait it out; else undefined. */
export function rateLimitedFor(error: unknown): number | undefined {
  const e = error as { code?: unknown; retryAfter?: unknown } | null;
  if (e?.code !== ErrorCode.RateLimitedError) return undefined;
  return typeof e.retryAfter === 'number' ? e.retryAfter : 1;
}

/** For a person or a log line: Slack's `error` string, else the error's message. */
export function describeSlackError(error: unknown): string {
  return platformError(error) ?? (error as { message?: string } | null)?.message ?? String(error);
}
