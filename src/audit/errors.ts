import { IamBotError } from '../shared/errors.ts';

export type AuditLogCode =
  | 'audit_refused'
  | 'audit_unreadable'
  | 'audit_closed'
  | 'audit_append_failed'
  | 'audit_export_conflict'
  | 'damaged'
  | 'truncated'
  | 'diverged';

/** Raised when the audit log refuses an append or cannot be trusted enough to open. */
export class AuditLogError<C extends AuditLogCode = AuditLogCode> extends IamBotError<C> {
  override name = 'AuditLogError';
}
