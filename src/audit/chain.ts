/**
 * How events become chained entries: checked (no secret, JSON details, a valid instant), numbered after
 * the head and hashed over the previous entry. The one implementation of the chain, whichever storage
 * holds it (the audit log file, a database table).
 */
import canonicalize from 'canonicalize';
import { type AuditEntry, type AuditHead, GENESIS_HASH, formatLine, hashEntry, parseLine } from './entry.ts';
import { AuditLogError } from './errors.ts';
import { assertNoSecrets } from './secrets.ts';
import type { AuditRecord } from '../domain/audit-event.ts';
import { scrubDeep } from '../domain/scrub.ts';

export type PreparedEvent = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/** Checks an event and freezes its details as plain JSON, so later changes by the caller cannot leak in. */
export function prepareEvent(input: AuditRecord): PreparedEvent {
  assertNoSecrets(input.details);
  const time = new Date(input.time);
  if (Number.isNaN(time.getTime()))
    throw new AuditLogError('audit_refused', `event ${input.eventId}: time ${input.time} is not a valid instant`);
  let details: unknown;
  try {
    details = JSON.parse(canonicalize(input.details) ?? 'null');
  } catch (err) {
    throw new AuditLogError(
      'audit_refused',
      `event ${input.eventId}: details are not JSON (${(err as Error).message})`,
      { cause: err },
    );
  }
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    throw new AuditLogError('audit_refused', `event ${input.eventId}: details must be a JSON object`);
  }
  // Again on the JSON form: a value's toJSON() can bring out keys the raw object did not show.
  assertNoSecrets(details as Record<string, unknown>);
  return {
    time: time.toISOString(),
    eventId: input.eventId,
    requestId: input.requestId ?? null,
    requestRef: input.requestRef ?? null,
    actor: input.actor,
    event: input.event,
    // Last line of defence: a credential's value (a provider's echo) never enters the chain.
    details: scrubDeep(details as Record<string, unknown>),
  };
}

/** The entries after `head` (undefined: the chain is empty), each with its exact line. */
export function chainAfter(
  head: Pick<AuditHead, 'seq' | 'hash'> | undefined,
  prepared: readonly PreparedEvent[],
): { entry: AuditEntry; line: string }[] {
  let { seq, hash: prevHash } = head ?? { seq: 0, hash: GENESIS_HASH };
  return prepared.map((p) => {
    const body = { seq: ++seq, ...p, prevHash };
    const entry: AuditEntry = { ...body, hash: hashEntry(body) };
    const line = formatLine(entry);
    // Never store a line that opening or verification would reject.
    const problem = parseLine(line);
    if (typeof problem === 'string')
      throw new AuditLogError('audit_refused', `event ${p.eventId} cannot be logged: ${problem}`);
    prevHash = entry.hash;
    return { entry, line };
  });
}
