/** The embedded store's audit log section: the hash-chained `audit.jsonl` (audit/audit-log.ts). */
import type { AuditLog } from '../audit/audit-log.ts';
import type { AuditEntry } from '../audit/entry.ts';
import { readEntries } from '../audit/export.ts';
import type { AuditHead, AuditRecord } from '../domain/audit-event.ts';
import type { AuditLogStore } from '../workflow/ports.ts';

export class FileAuditLog implements AuditLogStore {
  constructor(
    private readonly log: AuditLog,
    readonly file: string,
  ) {}

  append(records: readonly AuditRecord[]): Promise<AuditEntry[]> {
    return this.log.append(records);
  }

  async head(): Promise<AuditHead | undefined> {
    return this.log.head();
  }

  async *read(afterSeq = 0): AsyncIterable<AuditEntry> {
    for await (const { entry } of readEntries(this.file)) if (entry.seq > afterSeq) yield entry;
  }

  async entryOf(eventId: string): Promise<{ seq: number; hash: string } | undefined> {
    return this.log.entryOf(eventId);
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
