/** Raised when the audit log refuses an append or cannot be trusted enough to open. */
export class AuditLogError extends Error {
  override name = 'AuditLogError';
}
