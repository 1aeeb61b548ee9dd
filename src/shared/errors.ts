/**
 * Every error iam-bot raises is an IamBotError with a stable, machine-readable `code`, as undici's errors
 * carry `UND_ERR_…` codes (https://github.com/nodejs/undici/blob/main/lib/core/errors.js). Callers branch on
 * the code; the message is written for a person and may change. A class adds the fields its callers read
 * (a status, a retry delay); its codes are a subset of the list below.
 */

/** Every code, with what it means: the one place they are listed. */
const ERROR_CODES = {
  // The command line.
  usage: 'a command was called wrongly: printed with its usage, exit code 2',
  // The policy file.
  policy_invalid: 'the policy file has problems; each names its file, line and column',
  // Storage (StoreOpenError, StoreConflictError).
  in_use: 'another process holds the data directory',
  damaged: 'a file does not read as iam-bot wrote it (a state file, or an audit log line)',
  wrong_world: 'the data directory belongs to the other world (production or sandbox)',
  audit_loss: 'the audit log no longer reaches the last entry the store recorded',
  storage: 'the file system or the database refused (read-only, permissions, full disk, unreachable)',
  store_conflict: 'a request changed concurrently: its stored version is not the one the write expected',
  lease_lost: 'this process may no longer hold the lease on the work (another replica may have taken it over)',
  // The audit log (AuditLogError, AuditContinuityError).
  truncated: 'the audit log ends before the last entry the store recorded',
  diverged: 'the audit log holds other entries than the ones the store recorded',
  audit_refused: 'an event cannot be logged as given (a secret in its details, a bad time, not JSON)',
  audit_unreadable: 'an audit log line is not an audit entry, or the log changed under a reader',
  audit_closed: 'the audit log was closed',
  audit_append_failed: 'writing to the audit log failed',
  audit_export_conflict: 'an export file already holds entries the log no longer has in that order',
  // Sealed secrets (SealingError).
  invalid_sealing_key: 'IAM_BOT_SEALING_KEY is not a base64-encoded 32-byte key',
  unseal_failed: 'a sealed value does not open with the key (another key, or tampered with)',
  // Refusals a person meets (WorkflowFailure; see domain/errors.ts).
  not_found: 'no such request or item',
  not_allowed: 'this person may not do that; the refusal names the reason',
  already_decided: 'the stage was decided already',
  invalid_input: 'bad input; the refusal names its field',
  invalid_state: 'the request is not in a state that allows this',
  conflict: 'someone else changed the request at the same time',
  rate_limited: 'too many submissions',
  review_not_started: 'an access review cannot start; the message says why, for the admins',
  // Providers (ProviderError: `provider_` and its kind).
  provider_not_found: 'the provider has no such user, group or key',
  provider_already_member: 'the user is a member already',
  provider_not_member: 'the user is not a member',
  provider_limit_exceeded: 'a provider quota is reached (keys per user, members per group)',
  provider_unauthorized: 'the provider refused the credentials',
  provider_forbidden: 'the credentials are not allowed to do this',
  provider_rate_limited: 'the provider asks to slow down',
  provider_unavailable: 'the provider did not answer, or answered with a server error',
  provider_invalid_request: 'the provider refused the request as malformed',
  provider_unsupported: 'the provider cannot do this',
  provider_internal: 'the provider answered something the adapter cannot read',
  unverified: 'the provider acknowledged a change its own reads do not show',
  // Slack.
  delivery_failed: 'a Slack message could not be delivered now; it is retried',
  delivery_rejected: 'a Slack message can never be delivered as it is; it is dropped',
  slack_bad_answer: 'Slack answered ok without a field its documentation promises',
  // The sandbox's page API (ApiError).
  sandbox_bad_request: 'the page sent something the sandbox cannot read',
  sandbox_not_found: 'no such persona or catalog item in the sandbox',
  sandbox_refused: "the simulated Slack client refused, as Slack's client would",
  sandbox_too_large: 'the request body is too large',
  sandbox_failed: "the page's call to the sandbox server failed; the message is the server's answer",
  // Files.
  file_changed: 'a file changed while being read',
  // A broken invariant: a bug in iam-bot, never a person's mistake.
  internal: 'something that cannot happen did',
} as const satisfies Record<string, string>;

export type IamBotErrorCode = keyof typeof ERROR_CODES;

// eslint-disable-next-line no-restricted-syntax -- the one class that extends Error: every other extends this one.
export class IamBotError<C extends IamBotErrorCode = IamBotErrorCode> extends Error {
  override name = 'IamBotError';

  constructor(
    readonly code: C,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Whether `error` carries one of `codes`: one of ours (only an IamBotError carries those), or the `code` of a
 * Node.js system error or a library's error (`ENOENT`, `ERR_PARSE_ARGS_…`, a PostgreSQL SQLSTATE), which any
 * object may carry. The one helper every layer branches on errors with.
 */
export function hasCode<C extends IamBotErrorCode>(error: unknown, ...codes: C[]): error is IamBotError<C>;
export function hasCode(error: unknown, ...codes: string[]): error is { code: string };
export function hasCode(error: unknown, ...codes: string[]): boolean {
  if (error instanceof IamBotError) return codes.includes(error.code);
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && !Object.hasOwn(ERROR_CODES, code) && codes.includes(code);
}
