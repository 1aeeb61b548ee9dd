/**
 * The `reviews:` section's references: each review names a catalog item that grants a group, once, and a
 * set of reviewers that names people by itself (users or Slack user groups: `manager` means the manager
 * of a request's requester, and a review has none). Each finding points at the node to fix.
 */
import type { PolicyParts } from './policy-parts.ts';
import type { Finding } from './problems.ts';

export function checkReviews(parts: PolicyParts): Finding[] {
  const findings: Finding[] = [];
  const firstOfItem = new Map<string, number>();
  (parts.reviews ?? []).forEach((review, index) => {
    if (!review) return;
    const at = (key: string) => ['reviews', index, key];
    if (review.item !== undefined) {
      const item = parts.catalog.find((i) => i?.id === review.item);
      const first = firstOfItem.get(review.item);
      if (first !== undefined)
        findings.push({ path: at('item'), message: `reviews[${first}] already reviews "${review.item}"` });
      else firstOfItem.set(review.item, index);
      if (!item) findings.push({ path: at('item'), message: `no catalog item with id "${review.item}"` });
      else if (item.group === undefined || (item.kind !== 'group.add' && item.kind !== 'group.remove'))
        findings.push({
          path: at('item'),
          message: `"${review.item}" grants no group (its kind is ${item.kind ?? 'unknown'}): only a group's members can be reviewed`,
        });
    }
    if (review.reviewers !== undefined) {
      const set = parts.sets[review.reviewers];
      if (!Object.hasOwn(parts.sets, review.reviewers))
        findings.push({
          path: at('reviewers'),
          message: `no approver set named "${review.reviewers}" (sets: ${Object.keys(parts.sets).join(', ') || 'none'})`,
        });
      else if (set && set.users.length === 0 && set.usergroups.length === 0)
        findings.push({
          path: at('reviewers'),
          message: `"${review.reviewers}" names people only as a requester's manager, and a review has no requester: give it users or usergroups`,
        });
    }
    if (review.deadline !== undefined && review.remindAfter !== undefined && review.remindAfter >= review.deadline)
      findings.push({ path: at('remindAfter'), message: 'must be shorter than the deadline, or nobody is reminded' });
  });
  return findings;
}
