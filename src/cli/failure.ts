/** What a command's failure tells the person: the message of an error they can act on, never a stack trace. */
import { describeStorageError } from '../files/storage-error.ts';
import { IamBotError, type IamBotErrorCode } from '../shared/errors.ts';
import { EXIT, type Io } from './io.ts';

/**
 * The exit code of a failure, by its error's code (src/shared/errors.ts lists them all). A code listed here is a
 * failure the person can act on: its message is said as it is (with the command's usage for `usage`). Any other
 * error is unexpected: exit 1, and the message says so.
 */
const EXIT_BY_CODE: Partial<Record<IamBotErrorCode, (typeof EXIT)[keyof typeof EXIT]>> = {
  usage: EXIT.usage,
  // The policy file (PolicyError).
  policy_invalid: EXIT.failed,
  // Storage (StoreOpenError).
  in_use: EXIT.failed,
  damaged: EXIT.failed,
  wrong_world: EXIT.failed,
  audit_loss: EXIT.failed,
  storage: EXIT.failed,
  // The audit log (AuditLogError, AuditContinuityError).
  audit_refused: EXIT.failed,
  audit_unreadable: EXIT.failed,
  audit_closed: EXIT.failed,
  audit_append_failed: EXIT.failed,
  audit_export_conflict: EXIT.failed,
  truncated: EXIT.failed,
  diverged: EXIT.failed,
};

/** Writes what went wrong for `command` (e.g. `iam-bot start`) and answers the exit code. */
export function reportFailure(command: string, help: string, error: unknown, io: Io): number {
  const exit = exitOf(error);
  if (exit === EXIT.usage) {
    io.err(`${command}: ${(error as Error).message}\n\n${help}`);
    return exit;
  }
  if (exit !== undefined) {
    io.err(`${command}: ${(error as Error).message}`);
    return exit;
  }
  const storage = describeStorageError(error);
  if (storage !== undefined) {
    io.err(`${command}: ${storage}`);
    return EXIT.failed;
  }
  io.err(`${command}: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.failed;
}

/** Our codes by the table; node:util's parseArgs refusals (`ERR_PARSE_ARGS_…`) are a usage mistake too. */
function exitOf(error: unknown): number | undefined {
  if (error instanceof IamBotError) return EXIT_BY_CODE[error.code as IamBotErrorCode];
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_') ? EXIT.usage : undefined;
}
