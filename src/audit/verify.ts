/**
 * Verifies an audit log end to end, streaming it, and names the first sequence number that cannot be
 * trusted: everything before it is intact.
 */
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { type AuditEntry, type AuditHead, GENESIS_HASH, headOf, parseLine } from './entry.ts';

export type VerifyResult = { ok: true; count: number; head?: AuditHead } | { ok: false; seq: number; problem: string };

/**
 * `expectedHead` is the last entry the caller knows was written (the store remembers it): a log that
 * ends before it, or holds another entry at its seq, was truncated or rewritten — which the chain
 * alone cannot show, since a rewritten tail can be re-hashed consistently.
 */
export async function verifyAuditLog(file: string, expectedHead?: { seq: number; hash: string }): Promise<VerifyResult> {
  // Opened first so a missing file rejects here rather than surfacing as a stream error.
  const input = (await open(file, 'r')).createReadStream();
  const lines = createInterface({ input, crlfDelay: Infinity });
  let last: AuditEntry | undefined;
  try {
    for await (const line of lines) {
      const next = checkNext(line, last);
      if ('problem' in next) return { ok: false, ...next };
      if (expectedHead?.seq === next.seq && expectedHead.hash !== next.hash) {
        return {
          ok: false,
          seq: next.seq,
          problem: `entry ${next.seq} has hash ${next.hash} but ${expectedHead.hash} was recorded for it: the log was rewritten`,
        };
      }
      last = next;
    }
  } finally {
    lines.close();
    input.destroy();
  }
  const count = last?.seq ?? 0;
  if (expectedHead && expectedHead.seq > count) {
    return {
      ok: false,
      seq: count + 1,
      problem: `the log ends at entry ${count} but entries up to ${expectedHead.seq} were recorded: it was truncated`,
    };
  }
  return last ? { ok: true, count, head: headOf(last) } : { ok: true, count };
}

/** The entry on the line after `prev`, checked on its own and against `prev`; or what is wrong. */
function checkNext(line: string, prev: AuditEntry | undefined): AuditEntry | { seq: number; problem: string } {
  // Up to the first problem, line n holds entry n.
  const due = (prev?.seq ?? 0) + 1;
  const entry = parseLine(line);
  if (typeof entry === 'string') return { seq: due, problem: `line ${due} is ${entry}` };
  if (entry.seq !== due) {
    return { seq: due, problem: `line ${due} holds entry ${entry.seq}: lines were deleted, inserted or reordered` };
  }
  if (entry.prevHash !== (prev?.hash ?? GENESIS_HASH)) {
    // Both entries are self-consistent, so one was rewritten and re-hashed; the earlier is suspect first.
    if (!prev) return { seq: due, problem: 'entry 1 does not start from the genesis hash' };
    return { seq: prev.seq, problem: `entry ${due} does not chain to entry ${prev.seq}: one of them was rewritten` };
  }
  return entry;
}
