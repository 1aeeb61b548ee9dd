export { AuditLog, AuditLogError, type AuditEntry, type AuditEventInput, type AuditHead } from './audit-log.ts';
export { verifyAuditLog, type Anchor, type VerifyResult } from './verify.ts';
export { AuditContinuityError, assertAuditContinuity } from './continuity.ts';
export { exportAudit, exportDays, readEntries, type DayFile, type ExportOptions } from './export.ts';
export { parseCheckpoint, parseCheckpointFile } from './checkpoint.ts';
