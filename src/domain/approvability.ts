/**
 * Whether a request's stages can be approved at all by the people who could decide them. Separation of
 * duties makes this more than counting: nobody approves their own request, and (unless the item allows
 * it) one person approves at most one stage, so stages drawing on the same people compete for them. Each
 * stage needs `quorum` distinct people; with separation across stages, every person fills at most one
 * slot of one stage — a bipartite matching of stage slots to people. Used by `check` (on the people a
 * policy names) and at submission (on the people the directory knows now).
 */

export interface StageCandidates {
  quorum: number;
  /** Who could decide this stage (the requester already left out). */
  people: readonly string[];
  /** The stage can draw on people not listed (a user group `check` cannot see into): never judged short. */
  open?: boolean;
}

/** undefined: every stage can be approved. Otherwise the first stage (0-based) that cannot, and why. */
export type Shortfall = { stage: number; why: 'too_few' | 'taken_by_earlier_stages' } | undefined;

export function shortfall(stages: readonly StageCandidates[], oneStagePerPerson: boolean): Shortfall {
  // A stage short of people on its own is short whatever the other stages do.
  const alone = stages.findIndex((s) => !s.open && new Set(s.people).size < s.quorum);
  if (alone >= 0 || !oneStagePerPerson) return alone >= 0 ? { stage: alone, why: 'too_few' } : undefined;
  const holder = new Map<string, number>();
  const slots: number[] = [];
  for (const [index, stage] of stages.entries()) {
    if (stage.open) continue;
    for (let q = 0; q < stage.quorum; q++) {
      const slot = slots.length;
      slots.push(index);
      if (!assign(slot, new Set(), holder, slots, stages)) return { stage: index, why: 'taken_by_earlier_stages' };
    }
  }
  return undefined;
}

/** Kuhn's augmenting path: finds `slot` a person, moving earlier slots to other people if need be. */
function assign(
  slot: number,
  seen: Set<string>,
  holder: Map<string, number>,
  slots: readonly number[],
  stages: readonly StageCandidates[],
): boolean {
  const stage = stages[slots[slot] ?? -1];
  for (const person of stage?.people ?? []) {
    if (seen.has(person)) continue;
    seen.add(person);
    const taken = holder.get(person);
    if (taken === undefined || assign(taken, seen, holder, slots, stages)) {
      holder.set(person, slot);
      return true;
    }
  }
  return false;
}
