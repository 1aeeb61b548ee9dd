export { AuditLog, AuditLogError, type AuditEntry, type AuditEventInput, type AuditHead } from './audit-log.ts';
export { verifyAuditLog, type VerifyResult } from './verify.ts';
export { AuditContinuityError, assertAuditContinuity } from './continuity.ts';
export { exportAudit, type ExportOptions } from './export.ts';
