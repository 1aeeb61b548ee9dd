/** Connecting to PostgreSQL, and saying where without ever showing the password. */
import pg from 'pg';
import { describeDatabase, isDatabaseUrl } from '../../shared/database-url.ts';
import { StoreOpenError } from '../../shared/store-open-error.ts';

export function openPool(url: string, max = 10): pg.Pool {
  if (!isDatabaseUrl(url))
    throw new StoreOpenError(
      `${describeDatabase(url)} is not a PostgreSQL URL (postgres://user:password@host:5432/database)`,
      'storage',
    );
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  // An idle client's error (the server restarted, a replica's connection was cut) is not a crash: the
  // pool drops the client and the next query connects again.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * The database cannot be reached or refused us: a StoreOpenError naming it (no password), or the error
 * itself when it is not about the connection.
 */
export function connectionError(error: unknown, url: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const connectionCodes = [
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ETIMEDOUT',
    'ECONNRESET',
    '28P01',
    '28000',
    '3D000',
    '57P03',
  ];
  if (typeof code === 'string' && connectionCodes.includes(code)) {
    return new StoreOpenError(
      `cannot use the database at ${describeDatabase(url)}: ${(error as Error).message}`,
      'storage',
      { cause: error },
    );
  }
  // The one failure read from its message: pg-pool's connect timeout is a bare Error with no code
  // (https://github.com/brianc/node-postgres/blob/master/packages/pg-pool/index.js, connectionTimeoutMillis).
  if (error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message)) {
    return new StoreOpenError(
      `cannot reach the database at ${describeDatabase(url)} (no answer within 10 s)`,
      'storage',
      { cause: error },
    );
  }
  return error;
}
