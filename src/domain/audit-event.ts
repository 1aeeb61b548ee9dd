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
