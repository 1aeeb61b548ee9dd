/** Commands that read the store work on PostgreSQL when DATABASE_URL is set, as the bot does. */
import { describeDatabase } from '../shared/database-url.ts';
import type { PostgresStore } from '../store/postgres/postgres-store.ts';

/** The database the environment names, or undefined: the data directory then. */
export function databaseOf(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.DATABASE_URL?.trim();
  return url ? url : undefined;
}

/** Runs `work` on the PostgreSQL store at `url` (named without its password), then closes it. */
export async function withDatabase<T>(
  url: string,
  work: (store: PostgresStore, name: string) => Promise<T>,
): Promise<T> {
  // Loaded only when used: commands on the data directory never load the driver.
  const { PostgresStore } = await import('../store/postgres/postgres-store.ts');
  const store = await PostgresStore.open({ url });
  try {
    return await work(store, `PostgreSQL at ${describeDatabase(url)}`);
  } finally {
    await store.close();
  }
}
