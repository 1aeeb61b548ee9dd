/** An event on its way to the audit log. `details` never carries a secret. */
export interface AuditRecord {
  eventId: string;
  time: number;
  requestId?: string;
  requestRef?: string;
  actor: string;
  event: string;
  details: Record<string, unknown>;
}

/** The last entry written to the audit log. */
export interface AuditHead {
  seq: number;
  hash: string;
  eventId: string;
}

/** One line of the audit log as written: numbered and hash-chained (audit/entry.ts writes and checks it). */
export interface AuditEntry {
  seq: number;
  time: string;
  eventId: string;
  requestId: string | null;
  requestRef: string | null;
  actor: string;
  event: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
