/**
 * JCS's limits (docs/providers/jcs.md), and how to tell one apart from a refused permission: JCS answers 403 for
 * both, so after a 403 the adapter counts, and names the limit when the count explains the refusal.
 */
import { ProviderError } from '../../workflow/ports.ts';

export const MAX_KEYS_PER_USER = 2;
export const MAX_USERS_PER_GROUP = 100;
export const MAX_GROUPS_PER_USER = 20;

/**
 * Runs `call`; a `forbidden` failure becomes `limit_exceeded` when `reachedLimit` names a limit. Counting
 * is best effort: when it fails too, the original 403 is the more useful answer.
 */
export async function limitOrForbidden<T>(
  call: () => Promise<T>,
  reachedLimit: () => Promise<string | undefined>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ProviderError) || error.kind !== 'forbidden') throw error;
    const limit = await reachedLimit().catch(() => undefined);
    if (limit === undefined) throw error;
    throw new ProviderError('limit_exceeded', limit, { providerRequestId: error.providerRequestId });
  }
}
