/**
 * What a stuck request waits for: since when its current stage has been waiting, and who could move it
 * now (the stage's set and, once escalated, the escalation set; the requester, people who already
 * approved this stage and, under separation of duties, people who approved an earlier one left out).
 */
import type { Request } from '../domain/request.ts';
import type { People } from './people.ts';

export interface Waiting {
  request: Request;
  /** When the current stage started waiting. */
  since: number;
  /** Who could decide the current stage now, sorted. */
  waitingOn: string[];
}

export async function waitingOf(people: People, request: Request): Promise<Waiting | undefined> {
  const s = request.status;
  if (s.state !== 'pending') return undefined;
  const candidates = new Set(await people.approversOf(request, s.stage));
  if (s.escalatedTo !== undefined)
    for (const person of await people.membersOf(s.escalatedTo, request)) candidates.add(person);
  for (const approval of request.approvals) {
    if (approval.stage === s.stage || !request.sameApproverAcrossStages) candidates.delete(approval.by);
  }
  return { request, since: s.stageSince ?? request.createdAt, waitingOn: [...candidates].sort() };
}

/** Longest waiting first; equal waits in request order. */
export function byLongestWait(a: Waiting, b: Waiting): number {
  return a.since - b.since || a.request.number - b.request.number;
}
