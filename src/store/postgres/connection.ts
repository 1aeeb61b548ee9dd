/** Connecting to PostgreSQL, and saying where without ever showing the password. */
import pg from 'pg';
import { StoreOpenError } from '../port.ts';

/** `host:port/database` of a connection URL: what messages and logs may show. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL (not a URL)';
  }
}

export function isDatabaseUrl(url: string): boolean {
  return URL.canParse(url) && ['postgres:', 'postgresql:'].includes(new URL(url).protocol);
}

export function openPool(url: string, max = 10): pg.Pool {
  if (!isDatabaseUrl(url)) throw new StoreOpenError(`${describeDatabase(url)} is not a PostgreSQL URL (postgres://user:password@host:5432/database)`, 'storage');
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
  const connectionCodes = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', '28P01', '28000', '3D000', '57P03'];
  if (typeof code === 'string' && connectionCodes.includes(code)) {
    return new StoreOpenError(`cannot use the database at ${describeDatabase(url)}: ${(error as Error).message}`, 'storage', { cause: error });
  }
  if (error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message)) {
    return new StoreOpenError(`cannot reach the database at ${describeDatabase(url)} (no answer within 10 s)`, 'storage', { cause: error });
  }
  return error;
}
