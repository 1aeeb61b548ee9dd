/**
 * The crash test's workload: a deterministic list of requests over every kind and provider, grouped in
 * lanes. Requests of one lane act on the same thing (one person's membership of one group, one
 * principal's keys) and must run one after the other; lanes run side by side.
 */
import { PEOPLE } from '../../src/sandbox/world.ts';

export interface PlanItem {
  n: number;
  lane: string;
  requester: string;
  itemId: string;
  duration?: string;
}

const people = Object.values(PEOPLE);
const GROUPS = [
  { add: 'cf-prod-admins', remove: 'cf-prod-admins-leave', duration: '8h' },
  { add: 'scw-developers', remove: 'scw-developers-leave' },
  { add: 'osc-ops', remove: 'osc-ops-leave', duration: '4h' },
  { add: 'jcs-devs', remove: 'jcs-devs-leave' },
];
/** osc-ops needs two platform leads: Carol and Dave, the only two, cannot ask for it themselves. */
const LEADS: readonly string[] = [PEOPLE.carol.id, PEOPLE.dave.id];

/** At least `size` requests (a little more: every lane is filled round by round). */
export function makePlan(size: number): PlanItem[] {
  const lanes: { lane: string; items: Omit<PlanItem, 'n' | 'lane'>[] }[] = [];
  for (const p of people) {
    for (const g of GROUPS) {
      if (g.add === 'osc-ops' && LEADS.includes(p.id)) continue;
      // Separation of duties: Carol's manager Dave, who passes stage 1, is the only other platform lead.
      if (g.add === 'scw-developers' && p.id === PEOPLE.carol.id) continue;
      lanes.push({ lane: `${g.add}:${p.name}`, items: [] });
    }
    lanes.push(
      { lane: `jcs-key:${p.name}`, items: [] },
      { lane: `osc-key:${p.name}`, items: [] },
      { lane: `jcs-mfa:${p.name}`, items: [] },
    );
    lanes.push({ lane: `scw-mfa:${p.name}`, items: [] });
  }
  lanes.push({ lane: 'scw-ci-key', items: [] }, { lane: 'cf-ci-token', items: [] });
  const plan: PlanItem[] = [];
  for (let round = 0; plan.length < size; round++) {
    for (const lane of lanes) {
      const next = nextItem(lane.lane, round);
      if (next) plan.push({ n: plan.length + 1, lane: lane.lane, ...next });
    }
  }
  return plan;
}

function nextItem(lane: string, round: number): Omit<PlanItem, 'n' | 'lane'> | undefined {
  const [kind = '', name = ''] = lane.split(':');
  const person = people.find((p) => p.name === name);
  const group = GROUPS.find((g) => g.add === kind);
  if (group && person) {
    const adding = round % 2 === 0;
    return adding
      ? { requester: person.id, itemId: group.add, ...(group.duration ? { duration: group.duration } : {}) }
      : { requester: person.id, itemId: group.remove };
  }
  // A person's Outscale key: two keys at most; each rotation deletes the key the last one deactivated.
  if (kind === 'osc-key' && person) return { requester: person.id, itemId: 'osc-my-key' };
  if (kind === 'jcs-key' && person) return { requester: person.id, itemId: 'jcs-my-key' };
  // Once the device is gone there is nothing left to reset on JCS.
  if (kind === 'jcs-mfa') return round === 0 && person ? { requester: person.id, itemId: 'jcs-mfa' } : undefined;
  if (kind === 'scw-mfa' && person) return round % 3 === 0 ? { requester: person.id, itemId: 'scw-mfa' } : undefined;
  const owner = people[round % people.length]?.id ?? PEOPLE.alice.id;
  if (kind === 'scw-ci-key') return { requester: owner, itemId: 'scw-ci-key' };
  if (kind === 'cf-ci-token') return { requester: owner, itemId: 'cf-ci-token' };
  return undefined;
}

/** The approver the driver uses for a stage: the requester's manager, or a platform lead who is not them. */
export const MANAGERS: Readonly<Record<string, string>> = {
  [PEOPLE.alice.id]: PEOPLE.bob.id,
  [PEOPLE.bob.id]: PEOPLE.carol.id,
  [PEOPLE.carol.id]: PEOPLE.dave.id,
  [PEOPLE.dave.id]: PEOPLE.erin.id,
  [PEOPLE.erin.id]: PEOPLE.bob.id,
};
export { LEADS };
