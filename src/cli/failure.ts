/** What a command's failure tells the person: the message of an error they can act on, never a stack trace. */
import { AuditLogError } from '../audit/audit-log.ts';
import { PolicyError } from '../config/problems.ts';
import { describeStorageError } from '../files/storage-error.ts';
import { StoreOpenError } from '../shared/store-open-error.ts';
import { EXIT, UsageError, type Io } from './io.ts';

/** Writes what went wrong for `command` (e.g. `iam-bot start`) and answers the exit code. */
export function reportFailure(command: string, help: string, error: unknown, io: Io): number {
  if (error instanceof UsageError || isParseArgsError(error)) {
    io.err(`${command}: ${(error as Error).message}\n\n${help}`);
    return EXIT.usage;
  }
  if (error instanceof StoreOpenError || error instanceof AuditLogError || error instanceof PolicyError) {
    io.err(`${command}: ${error.message}`);
    return EXIT.failed;
  }
  const storage = describeStorageError(error);
  if (storage !== undefined) {
    io.err(`${command}: ${storage}`);
    return EXIT.failed;
  }
  io.err(`${command}: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.failed;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
