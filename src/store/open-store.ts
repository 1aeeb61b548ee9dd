/**
 * Opens the store the configuration names: PostgreSQL when a database URL is given (several replicas
 * may share it), else the embedded store (lowdb) in the data directory.
 */
import type { Logger } from '../log.ts';
import { describeDatabase } from '../shared/database-url.ts';
import type { DataWorld } from './data-world.ts';
import { LowdbStore } from './lowdb-store.ts';
import type { Store } from '../workflow/ports.ts';

export interface OpenStoreOptions {
  dataDir: string;
  /** DATABASE_URL: PostgreSQL instead of the data directory. */
  databaseUrl?: string;
  log: Logger;
  /** Who opens it: a directory written by one world is refused to the other (default production). */
  world?: DataWorld;
}

/** Throws `StoreOpenError` (or the audit log's continuity error) when the storage cannot be used as it is. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.databaseUrl !== undefined) {
    // Loaded only when used: the embedded store's users never load the driver.
    const { PostgresStore } = await import('./postgres/postgres-store.ts');
    const store = await PostgresStore.open({ url: options.databaseUrl });
    if (store.migration.applied.length > 0) {
      options.log.info(
        { database: describeDatabase(options.databaseUrl), applied: store.migration.applied },
        `database schema migrated to version ${store.migration.version}`,
      );
    }
    return store;
  }
  const store = await LowdbStore.open({ dataDir: options.dataDir, ...(options.world ? { world: options.world } : {}) });
  // What opening repaired, for the operator.
  for (const note of store.notes) options.log.warn(note);
  return store;
}
