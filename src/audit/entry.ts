/**
 * One audit log line: its shape, its hash and its exact bytes. Every field is written in canonical
 * JSON (RFC 8785) in a fixed order, so a reader can rebuild a line from its parsed entry and notice
 * any edited byte — even one that JSON parsing alone would forgive (whitespace, escapes, key order).
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import type { AuditEntry, AuditHead } from '../domain/audit-event.ts';

export type { AuditEntry, AuditHead } from '../domain/audit-event.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** An entry's fields in the order a line holds them (and an export's CSV columns). */
export const AUDIT_FIELDS = [
  'seq',
  'time',
  'eventId',
  'requestId',
  'requestRef',
  'actor',
  'event',
  'details',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof AuditEntry)[];

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const entrySchema = z.strictObject({
  seq: z.int().positive(),
  time: z.iso.datetime(),
  eventId: z.string().min(1),
  requestId: z.string().nullable(),
  requestRef: z.string().nullable(),
  actor: z.string().min(1),
  event: z.string().min(1),
  details: z.record(z.string(), z.unknown()),
  prevHash: hex64,
  hash: hex64,
});

/** Hex SHA-256 over `prevHash + "\n" + canonicalize(entry without hash)`. */
export function hashEntry(body: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256')
    .update(`${body.prevHash}\n${canonicalize(body)}`)
    .digest('hex');
}

/** The line for an entry, without the newline. */
export function formatLine(entry: AuditEntry): string {
  return `{${AUDIT_FIELDS.map((f) => `"${f}":${canonicalize(entry[f])}`).join(',')}}`;
}

/**
 * The entry a line holds, checked on its own (shape, exact bytes, own hash) but not against its
 * neighbours; or a sentence saying what is wrong with it.
 */
export function parseLine(line: string): AuditEntry | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  const checked = entrySchema.safeParse(raw);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return `not a well-formed audit entry (${issue?.path.join('.') || 'entry'}: ${issue?.message})`;
  }
  // The schema only validates: the parsed object itself is kept so `details` stays exactly as read.
  const entry = raw as AuditEntry;
  const { hash, ...body } = entry;
  try {
    if (formatLine(entry) !== line) return 'not in canonical form (edited)';
    if (hashEntry(body) !== hash) return 'hash does not match its content (edited)';
  } catch (err) {
    // canonicalize refuses what JSON.parse accepts, such as an escaped lone surrogate.
    return `not canonical JSON (${(err as Error).message})`;
  }
  return entry;
}

export function headOf(entry: AuditEntry): AuditHead {
  return { seq: entry.seq, hash: entry.hash, eventId: entry.eventId };
}
