/**
 * At start, the audit log must still hold every entry the store recorded as written, each line intact.
 * Appending after a loss would hide it: the next head the store records would be the shorter log's, and
 * `audit verify` would call the log intact after one restart. Only `iam-bot audit accept-loss` goes on
 * from a loss, and it writes the loss into the log.
 */
import type { AuditHead } from '../domain/audit-event.ts';
import { AuditLogError } from './errors.ts';
import { verifyAuditLog, type VerifyResult } from './verify.ts';

export type ContinuityProblem = Extract<VerifyResult, { ok: false }>['kind'];

export class AuditContinuityError extends AuditLogError<ContinuityProblem> {
  override name = 'AuditContinuityError';

  constructor(message: string, code: ContinuityProblem) {
    super(code, message);
  }
}

/** Throws `AuditContinuityError` unless `file` is whole (every line linked to the last) and reaches `recorded`. */
export async function assertAuditContinuity(file: string, recorded: AuditHead | undefined): Promise<void> {
  const result = await verifyAuditLog(file, recorded, 'links');
  if (result.ok) return;
  if (result.kind === 'damaged') {
    throw new AuditContinuityError(
      `${file}:${result.line}: ${result.problem}. iam-bot will not append after a line it cannot vouch for; nothing was changed. Restore the file from a backup (\`iam-bot audit verify\` names the first bad entry).`,
      'damaged',
    );
  }
  throw new AuditContinuityError(
    `${file}: ${result.problem}. Nothing was changed. Restore the log from a backup, or — to go on without the lost entries — run \`iam-bot audit accept-loss --reason "…"\` with the bot stopped: it records the loss in the log.`,
    result.kind,
  );
}
