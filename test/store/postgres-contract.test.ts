/** The Store port's contract, run against PostgreSQL: a fresh database per test on one throw-away server. */
import { describe } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { postgresUnavailable, useTestPostgres } from '../support/postgres.ts';
import { storeContract } from './contract.ts';

describe.skipIf(postgresUnavailable())('PostgreSQL', () => {
  const pg = useTestPostgres();

  storeContract('postgres', async () => {
    const url = await pg.server().createDatabase();
    // Every database is dropped when the server stops.
    return { open: () => PostgresStore.open({ url }), dispose: async () => undefined };
  });
});
