/**
 * Verifies an audit log end to end, streaming it, and names the first sequence number that cannot be
 * trusted: everything before it is intact.
 */
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { type AuditEntry, type AuditHead, GENESIS_HASH, headOf, parseLine } from './entry.ts';

export type VerifyResult =
  | { ok: true; count: number; head?: AuditHead }
  | {
      ok: false;
      seq: number;
      /**
       * `damaged`: a line is not a well-formed entry, or the chain is broken at `line`. `truncated`: the log
       * is intact but ends before the last entry recorded. `diverged`: intact, but holds another entry
       * where one was recorded (replaced by another log, or rewritten and re-hashed).
       */
      kind: 'damaged' | 'truncated' | 'diverged';
      /** The 1-based line where the problem shows (for `truncated`, the line after the end). */
      line: number;
      problem: string;
    };

/**
 * `full` checks every line's bytes and hash (what `audit verify` does); `links` only that every line is
 * JSON whose seq follows and whose prevHash names the previous line's hash — a tenth of the cost, which
 * start-up can afford on every start, and enough to catch a damaged, lost or inserted line.
 */
export type VerifyDepth = 'full' | 'links';

/**
 * An entry known from outside the log: the last one the store recorded, or a checkpoint posted to
 * Slack. `by` names the witness in problems (default: "recorded").
 */
export interface Anchor {
  seq: number;
  hash: string;
  by?: string;
}

/**
 * `expected` are entries the caller knows were written (the store remembers the head; a checkpoint
 * posted to Slack vouches for another): a log that ends before one, or holds another entry at its seq,
 * was truncated or rewritten — which the chain alone cannot show, since a rewritten tail can be
 * re-hashed consistently.
 */
export async function verifyAuditLog(
  file: string,
  expected?: Anchor | readonly Anchor[],
  depth: VerifyDepth = 'full',
): Promise<VerifyResult> {
  // Opened first so a missing file rejects here rather than surfacing as a stream error.
  const input = (await open(file, 'r')).createReadStream();
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    return await verifyLines(lines, expected, depth);
  } finally {
    lines.close();
    input.destroy();
  }
}

/** The same check over the log's lines from wherever they are kept (a file, a database table), in order. */
export async function verifyLines(
  lines: AsyncIterable<string>,
  expected?: Anchor | readonly Anchor[],
  depth: VerifyDepth = 'full',
): Promise<VerifyResult> {
  const anchors = expected === undefined ? [] : 'seq' in expected ? [expected] : [...expected];
  const bySeq = new Map(anchors.map((a) => [a.seq, a]));
  const furthest = anchors.reduce<Anchor | undefined>((max, a) => (max && max.seq >= a.seq ? max : a), undefined);
  const parse = depth === 'full' ? parseLine : parseLinks;
  let last: AuditEntry | undefined;
  for await (const line of lines) {
    const next = checkNext(parse(line), last);
    if ('problem' in next) return { ok: false, kind: 'damaged', ...next };
    const anchor = bySeq.get(next.seq);
    if (anchor && anchor.hash !== next.hash) {
      return {
        ok: false,
        kind: 'diverged',
        seq: next.seq,
        line: next.seq,
        problem: `entry ${next.seq} has hash ${next.hash} but ${anchor.hash} was recorded for it${byWhom(anchor)}: the log was rewritten or replaced`,
      };
    }
    last = next;
  }
  const count = last?.seq ?? 0;
  if (furthest && furthest.seq > count) {
    return {
      ok: false,
      kind: 'truncated',
      seq: count + 1,
      line: count + 1,
      problem: `the log ends at entry ${count} but entries up to ${furthest.seq} were recorded${byWhom(furthest)}: it was truncated`,
    };
  }
  return last ? { ok: true, count, head: headOf(last) } : { ok: true, count };
}

function byWhom(anchor: Anchor): string {
  return anchor.by === undefined ? '' : ` by ${anchor.by}`;
}

/** The fields that link a line to its neighbours, or what is wrong; the rest of the line is not checked. */
function parseLinks(line: string): AuditEntry | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  const entry = raw as Partial<AuditEntry> | null;
  if (
    typeof entry?.seq !== 'number' ||
    typeof entry.hash !== 'string' ||
    typeof entry.prevHash !== 'string' ||
    typeof entry.eventId !== 'string'
  ) {
    return 'not an audit entry (seq, eventId, prevHash and hash are required)';
  }
  return entry as AuditEntry;
}

/** The entry on the line after `prev`, checked against `prev`; or where and what is wrong. */
function checkNext(
  entry: AuditEntry | string,
  prev: AuditEntry | undefined,
): AuditEntry | { seq: number; line: number; problem: string } {
  // Up to the first problem, line n holds entry n.
  const due = (prev?.seq ?? 0) + 1;
  if (typeof entry === 'string') return { seq: due, line: due, problem: `line ${due} is ${entry}` };
  if (entry.seq !== due) {
    return {
      seq: due,
      line: due,
      problem: `line ${due} holds entry ${entry.seq}: lines were deleted, inserted or reordered`,
    };
  }
  if (entry.prevHash !== (prev?.hash ?? GENESIS_HASH)) {
    // Both entries are self-consistent, so one was rewritten and re-hashed; the earlier is suspect first.
    if (!prev) return { seq: due, line: due, problem: 'entry 1 does not start from the genesis hash' };
    return {
      seq: prev.seq,
      line: prev.seq,
      problem: `entry ${due} does not chain to entry ${prev.seq}: one of them was rewritten`,
    };
  }
  return entry;
}
