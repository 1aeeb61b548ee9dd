/** The audit log as the workflow writes to it. */
import type { AuditHead, AuditRecord } from '../../domain/audit-event.ts';

export interface AuditSink {
  /** Appends in order; returns the log's new head. */
  append(records: readonly AuditRecord[]): Promise<AuditHead | undefined>;
}
