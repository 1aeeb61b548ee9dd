/** The people one can be on the sandbox page. */
import { PEOPLE } from './world.ts';

export interface Persona {
  id: string;
  name: string;
  realName: string;
  role: string;
}

/** The demo world's people, in the order a first visit walks through them: requester, manager, platform lead, admin. */
export const DEMO_PERSONAS: readonly Persona[] = Object.values(PEOPLE).map(({ id, name, realName, role }) => ({
  id,
  name,
  realName,
  role,
}));
