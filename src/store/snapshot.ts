/**
 * A read-only view of a data directory for the command line, safe while the bot runs: the live document
 * is replaced atomically and the archive only grows, so reading takes no lock and writes nothing.
 */
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditHead } from '../domain/audit-event.ts';
import type { Request } from '../domain/request.ts';
import { readAt, readJsonlLines } from '../files/jsonl-file.ts';
import { asRecord } from './archive.ts';
import { readTail } from '../files/tail.ts';
import { hasCode } from '../shared/errors.ts';
import { StoreOpenError } from '../shared/store-open-error.ts';
import { emptyDocument, parseStateDocument, type StateDocument } from './state-document.ts';

export interface Snapshot {
  requests: Request[];
  auditHead?: AuditHead;
  /** Ids of the notices still waiting in the outbox (not yet delivered). */
  pendingNotices: string[];
}

export async function readSnapshot(dataDir: string): Promise<Snapshot> {
  const doc = await readState(join(dataDir, 'state.json'));
  const byId = new Map<string, Request>();
  const archive = join(dataDir, 'archive.jsonl');
  const { completeEnd, lastRecord } = await readEnd(archive);
  for await (const line of readJsonlLines(archive, completeEnd)) {
    const request = asRecord(line.text);
    if (!request) throw new StoreOpenError(`${archive}:${line.line}: not a request record.`);
    byId.set(request.id, request);
  }
  if (lastRecord) byId.set(lastRecord.id, lastRecord);
  for (const request of doc.open) {
    const archived = byId.get(request.id);
    if (!archived || archived.version < request.version) byId.set(request.id, request);
  }
  const snapshot: Snapshot = {
    requests: [...byId.values()].sort((a, b) => a.number - b.number),
    pendingNotices: doc.notices.map((n) => n.id),
  };
  if (doc.auditHead) snapshot.auditHead = doc.auditHead;
  return snapshot;
}

async function readState(file: string): Promise<StateDocument> {
  try {
    return parseStateDocument(file)(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return emptyDocument();
    if (error instanceof SyntaxError) throw new StoreOpenError(`${file} is not valid JSON (${error.message}).`);
    throw error;
  }
}

/**
 * Bytes of complete lines, and a last line without its newline when it is a whole record (the bot keeps
 * those); a torn line, perhaps being appended right now, is not read.
 */
async function readEnd(file: string): Promise<{ completeEnd: number; lastRecord?: Request }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return { completeEnd: 0 };
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const { completeEnd } = await readTail(handle, size);
    const lastRecord = completeEnd < size ? asRecord(await readAt(handle, completeEnd, size - completeEnd)) : undefined;
    return lastRecord ? { completeEnd, lastRecord } : { completeEnd };
  } finally {
    await handle.close();
  }
}
