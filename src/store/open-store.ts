/** Opens the store the configuration names: the embedded store (lowdb) in the data directory. */
import type { Logger } from '../log.ts';
import type { DataWorld } from './data-world.ts';
import { LowdbStore } from './lowdb-store.ts';
import type { Store } from './port.ts';

export interface OpenStoreOptions {
  dataDir: string;
  log: Logger;
  /** Who opens it: a directory written by one world is refused to the other (default production). */
  world?: DataWorld;
}

/** Throws `StoreOpenError` (or the audit log's continuity error) when the storage cannot be used as it is. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const store = await LowdbStore.open({ dataDir: options.dataDir, ...(options.world ? { world: options.world } : {}) });
  // What opening repaired, for the operator.
  for (const note of store.notes) options.log.warn(note);
  return store;
}
