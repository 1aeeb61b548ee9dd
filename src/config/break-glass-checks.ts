/**
 * A catalog item's `breakGlass:` against the rest of the file: group access only (an MFA reset or a key
 * rotation hands over an account or a credential, which needs a person's decision first), reviewers that
 * name a set, and no longer than the item itself allows. Each finding points at the node to fix.
 */
import { formatDuration } from '../domain/duration.ts';
import type { RequestKind } from '../domain/policy.ts';
import type { PolicyParts } from './policy-parts.ts';
import type { Finding } from './problems.ts';

const WHY_NOT: Record<Exclude<RequestKind, 'group.add'>, string> = {
  'mfa.reset':
    "not allowed for mfa.reset: an MFA reset hands over an account, and its approver must attest they verified the requester's identity first; break-glass is for group access only",
  'key.rotate':
    'not allowed for key.rotate: a new credential is never handed out without a decision; break-glass is for group access only',
  'group.remove': 'not allowed for group.remove: break-glass grants access for a short time (group.add only)',
};

export function checkBreakGlass(parts: PolicyParts): Finding[] {
  const findings: Finding[] = [];
  const setNames = Object.keys(parts.sets);
  parts.catalog.forEach((item, index) => {
    const breakGlass = item?.breakGlass;
    if (!item || !breakGlass) return;
    const at = (...rest: string[]) => ['catalog', index, 'breakGlass', ...rest];
    if (item.kind !== undefined && item.kind !== 'group.add') {
      findings.push({ path: at(), message: WHY_NOT[item.kind] });
      return;
    }
    if (breakGlass.reviewers !== undefined && !setNames.includes(breakGlass.reviewers))
      findings.push({
        path: at('reviewers'),
        message: `no approver set named "${breakGlass.reviewers}" (sets: ${setNames.join(', ') || 'none'})`,
      });
    if (
      item.maxDuration !== undefined &&
      breakGlass.maxDuration !== undefined &&
      breakGlass.maxDuration > item.maxDuration
    )
      findings.push({
        path: at('maxDuration'),
        message: `${formatDuration(breakGlass.maxDuration)} is longer than the item's maxDuration ${formatDuration(item.maxDuration)}`,
      });
  });
  return findings;
}
