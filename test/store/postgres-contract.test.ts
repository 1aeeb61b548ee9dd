/** The Store port's contract, run against PostgreSQL: a fresh database per test on one throw-away server. */
import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { postgresUnavailable, startPostgres, type TestPostgres } from '../support/postgres.ts';
import { storeContract } from './contract.ts';

describe.skipIf(postgresUnavailable())('PostgreSQL', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  storeContract('postgres', async () => {
    const url = await server.createDatabase();
    // Every database is dropped when the server stops.
    return { open: () => PostgresStore.open({ url }), dispose: async () => undefined };
  });
});
