/**
 * Who a request acts on. JCS users are named; a person is found by name or by the email JCS holds for
 * them (ListUsers returns every user at once: JCS has no list pagination and no email filter).
 */
import { ProviderError, type PrincipalKind, type PrincipalRef } from '../../workflow/ports.ts';
import { getUserSchema, listUsersSchema, type JcsUser } from './schemas.ts';
import type { JcsWireClient } from './wire-client.ts';

export async function resolvePrincipal(
  jcs: JcsWireClient,
  identity: string,
  as: PrincipalKind = 'user',
): Promise<PrincipalRef> {
  if (as === 'service') {
    // A service principal is a JCS user named in the catalog.
    return refOf((await jcs.read('GetUser', { Name: identity }, getUserSchema)).result.user);
  }
  const { users } = (await jcs.read('ListUsers', {}, listUsersSchema)).result;
  const named = users.find((user) => user.name === identity);
  if (named) return refOf(named);
  const email = identity.toLowerCase();
  const [first, ...others] = users.filter((user) => user.email?.toLowerCase() === email);
  if (!first) throw new ProviderError('not_found', `No JCS user is named ${identity} or has it as email.`);
  if (others.length > 0) {
    const names = [first, ...others].map((user) => user.name).join(', ');
    throw new ProviderError(
      'invalid_request',
      `Several JCS users have the email ${identity} (${names}); map this person to one of them in identity.map.`,
    );
  }
  return refOf(first);
}

/** A JCS user as the port names it: membership listings use the same form. */
export function refOf(user: JcsUser): PrincipalRef {
  return { id: user.id, name: user.name };
}
