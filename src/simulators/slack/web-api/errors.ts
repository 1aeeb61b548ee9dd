/**
 * Web API refusals. A handler throws SlackApiError; the dispatcher answers HTTP 200
 * `{ ok: false, error: code, ...extra }`, as Slack does for every error but rate limiting.
 */
import { describe, type Problem } from '../block-kit.ts';
import type { JsonObject } from '../json.ts';

export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: JsonObject = {},
  ) {
    super(code);
  }
}

/** `invalid_arguments`, with Slack's "[ERROR] …" lines in response_metadata.messages. */
export function invalidArguments(...messages: string[]): SlackApiError {
  return new SlackApiError(
    'invalid_arguments',
    messages.length === 0 ? {} : { response_metadata: { messages: messages.map((m) => `[ERROR] ${m}`) } },
  );
}

/** Messages: `invalid_blocks` with the problems in `errors` and in response_metadata.messages. */
export function invalidBlocks(problems: Problem[]): SlackApiError {
  const lines = problems.map(describe);
  return new SlackApiError('invalid_blocks', {
    errors: lines,
    response_metadata: { messages: lines.map((m) => `[ERROR] ${m}`) },
  });
}

/** Views: Slack reports a bad view as `invalid_arguments` naming the offending field. */
export function invalidView(problems: Problem[]): SlackApiError {
  return invalidArguments(...problems.map(describe));
}
