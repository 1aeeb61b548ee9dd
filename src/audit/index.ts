export { AuditLog, AuditLogError, type AuditEntry, type AuditEventInput, type AuditHead } from './audit-log.ts';
export { verifyAuditLog, verifyLines, type Anchor, type VerifyResult } from './verify.ts';
export { AuditContinuityError, assertAuditContinuity } from './continuity.ts';
export {
  exportAudit,
  exportDays,
  readEntries,
  type AuditSource,
  type DayFile,
  type ExportOptions,
  type StoredAuditLines,
} from './export.ts';
export { parseCheckpoint, parseCheckpointFile } from './checkpoint.ts';
