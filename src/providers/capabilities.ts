/**
 * The Provider port's key rotation built from an adapter's own calls, so each adapter states its style in
 * one line. (Group membership and MFA reset need no builder: an adapter that has them is their
 * implementation, `groups = this`.)
 */
import type { CreatedKeys, RolledKeys } from '../workflow/ports.ts';

type KeyCalls = Pick<CreatedKeys, 'listKeys' | 'createKey'>;

/** Keys created beside the old ones; `deactivateKey` only where the adapter has it (a key can be switched off). */
export function createdKeys(adapter: KeyCalls & Pick<CreatedKeys, 'deleteKey' | 'deactivateKey'>): CreatedKeys {
  const deactivate = adapter.deactivateKey?.bind(adapter);
  return {
    style: 'create',
    listKeys: (principal) => adapter.listKeys(principal),
    createKey: (principal) => adapter.createKey(principal),
    deleteKey: (principal, keyId) => adapter.deleteKey(principal, keyId),
    ...(deactivate && { deactivateKey: deactivate }),
  };
}

/** Keys rolled in place: the same key gets a new value, and nothing is left to retire. */
export function rolledKeys(adapter: KeyCalls): RolledKeys {
  return {
    style: 'roll',
    listKeys: (principal) => adapter.listKeys(principal),
    createKey: (principal) => adapter.createKey(principal),
  };
}
