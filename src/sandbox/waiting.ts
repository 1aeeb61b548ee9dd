/**
 * Who must act next on each open request of the sandbox's people, asked of the workflow itself (the same
 * `pendingFor` that `/iam pending` answers), so the page can offer a one-click switch to that person.
 */
import { findItem, type Policy } from '../domain/policy.ts';
import type { Request } from '../domain/request.ts';
import type { WorkflowService } from '../workflow/service.ts';
import type { Persona } from './personas.ts';

export interface Waiting {
  ref: string;
  title: string;
  /** What is awaited, in words: "approve or deny stage 2 of 2". */
  action: string;
  /** The personas who can do it, in the personas' order; none when only time moves it on. */
  people: string[];
  /** An active grant's end, when time is what moves it on. */
  endsAt?: number;
}

export async function whoMustAct(
  service: WorkflowService,
  policy: Policy,
  personas: readonly Persona[],
): Promise<Waiting[]> {
  const open = new Map<string, { request: Request; waiting: Waiting }>();
  const entry = (request: Request, action: string) => {
    const known = open.get(request.id);
    if (known) return known.waiting;
    const waiting: Waiting = {
      ref: request.ref,
      title: findItem(policy, request.itemId)?.title ?? request.itemId,
      action,
      people: [],
    };
    open.set(request.id, { request, waiting });
    return waiting;
  };
  const stageAction = (request: Request, stage: number) =>
    `approve or deny${request.stages.length > 1 ? ` stage ${stage + 1} of ${request.stages.length}` : ''}`;
  for (const persona of personas) {
    for (const request of await service.openRequestsOf(persona.id)) {
      const s = request.status;
      if (s.state === 'pending') entry(request, stageAction(request, s.stage));
      else if (s.state === 'executing' && s.rotation?.step === 'reveal')
        entry(request, 'reveal the new secret').people.push(persona.id);
      else if (s.state === 'executing' && s.rotation?.step === 'confirm')
        entry(request, 'confirm the new key is in use').people.push(persona.id);
      else if (s.state === 'completed' && s.grantExpiresAt !== undefined)
        entry(request, 'nothing to do: the bot ends it then').endsAt = s.grantExpiresAt;
    }
  }
  for (const persona of personas) {
    for (const request of await service.pendingFor(persona.id)) {
      if (request.status.state === 'pending')
        entry(request, stageAction(request, request.status.stage)).people.push(persona.id);
    }
  }
  return [...open.values()].sort((a, b) => a.request.number - b.request.number).map((o) => o.waiting);
}
