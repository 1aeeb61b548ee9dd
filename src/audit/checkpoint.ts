/**
 * Checkpoints: the chain head (sequence and full hash) published outside the log — posted to the audit
 * channel — so `audit verify --checkpoint` can later prove the log was not rewritten up to there.
 */
import type { Anchor } from './verify.ts';

/** How a checkpoint is written in its Slack post and read back: `SEQ:HASH`. */
const CHECKPOINT = /\b(\d+):([0-9a-f]{64})\b/;

/** The checkpoint a text holds (`SEQ:HASH`, alone or inside a copied Slack post), or undefined. */
export function parseCheckpoint(text: string, by: string): Anchor | undefined {
  const match = CHECKPOINT.exec(text);
  if (!match) return undefined;
  const seq = Number(match[1]);
  return Number.isSafeInteger(seq) && seq > 0 ? { seq, hash: match[2]!, by } : undefined;
}

/**
 * The checkpoints of a file, one per non-empty line (`#` starts a comment); or, for a line that holds
 * none, the 1-based line number and column at which it was expected.
 */
export function parseCheckpointFile(text: string, file: string): Anchor[] | { line: number; column: number } {
  const anchors: Anchor[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/#.*/, '');
    if (line.trim() === '') continue;
    const anchor = parseCheckpoint(line, `checkpoint ${file}:${i + 1}`);
    if (!anchor) return { line: i + 1, column: line.length - line.trimStart().length + 1 };
    anchors.push(anchor);
  }
  return anchors;
}
