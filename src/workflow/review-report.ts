/**
 * What an access review came to, member by member: the decision, by whom and when, the removal request
 * that carried a removal out (and how far it got), and who nobody decided on. `iam-bot review report`
 * prints it as CSV (one row per member) or JSON (one object per review).
 */
import type { Request } from '../domain/request.ts';
import { reviewCounts, undecided, type Review } from '../domain/review.ts';

interface MemberReport {
  id: string;
  name: string;
  decision: 'keep' | 'remove' | 'undecided';
  by?: string;
  /** ISO 8601. */
  at?: string;
  removal?: { request: string; ref?: string; state?: string };
}

export interface ReviewReport {
  review: string;
  id: string;
  item: string;
  provider: string;
  group: string;
  reviewers: string;
  requestedBy: string;
  state: Review['status']['state'];
  startedAt?: string;
  deadline?: string;
  closedAt?: string;
  problem?: string;
  counts: ReturnType<typeof reviewCounts>;
  members: MemberReport[];
  /** Nobody decided on them: left in the group as they were. */
  undecided: { id: string; name: string }[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export function reviewReport(review: Review, requestOf: (id: string) => Request | undefined): ReviewReport {
  const s = review.status;
  const members = review.members.map((m): MemberReport => {
    const d = m.decision;
    const removal = m.removal && requestOf(m.removal.requestId);
    return {
      id: m.id,
      name: m.name,
      decision: d?.verdict ?? 'undecided',
      ...(d ? { by: d.by, at: iso(d.at) } : {}),
      ...(m.removal
        ? {
            removal: {
              request: m.removal.requestId,
              ...(removal ? { ref: removal.ref, state: removal.status.state } : {}),
            },
          }
        : {}),
    };
  });
  return {
    review: review.ref,
    id: review.id,
    item: review.itemId,
    provider: review.provider,
    group: review.group,
    reviewers: review.reviewerSet,
    requestedBy: review.requestedBy,
    state: s.state,
    ...(s.state === 'open' || s.state === 'closed' ? { startedAt: iso(s.startedAt), deadline: iso(s.deadline) } : {}),
    ...(s.state === 'closed' ? { closedAt: iso(s.at) } : {}),
    ...(s.state === 'failed' ? { problem: s.problem } : {}),
    counts: reviewCounts(review),
    members,
    undecided: undecided(review).map((m) => ({ id: m.id, name: m.name })),
  };
}

export const CSV_COLUMNS = [
  'review',
  'item',
  'provider',
  'group',
  'review_state',
  'deadline',
  'member_id',
  'member',
  'decision',
  'decided_by',
  'decided_at',
  'removal',
  'removal_state',
] as const;

/** One row per member of each review (RFC 4180: https://www.rfc-editor.org/rfc/rfc4180). */
export function reportCsv(reports: readonly ReviewReport[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of reports)
    for (const m of r.members)
      lines.push(
        [
          r.review,
          r.item,
          r.provider,
          r.group,
          r.state,
          r.deadline ?? '',
          m.id,
          m.name,
          m.decision,
          m.by ?? '',
          m.at ?? '',
          m.removal?.ref ?? m.removal?.request ?? '',
          m.removal?.state ?? '',
        ]
          .map(cell)
          .join(','),
      );
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * A quoted field when it needs one; a name a provider returns that starts like a formula is prefixed so a
 * spreadsheet shows it as text (https://owasp.org/www-community/attacks/CSV_Injection).
 */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
