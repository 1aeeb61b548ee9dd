/**
 * Brings the database schema up to this release, under a session advisory lock: replicas starting
 * together (or `iam-bot db migrate` beside them) apply each migration once, one after another. Each
 * migration commits with its version row, so a crash leaves the schema at a version, never between two.
 */
import type pg from 'pg';
import { StoreOpenError } from '../../shared/store-open-error.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

/** Advisory lock keys: iam-bot's namespace, then one key per purpose. */
export const LOCK_NAMESPACE = 0x1a3b07;
export const LOCKS = { migrate: 1, leader: 2 } as const;
/** Transaction locks on one submitted form (requester and form id, hashed) take a namespace of their own: no hash may be a key above. */
export const FORM_LOCK_NAMESPACE = LOCK_NAMESPACE + 1;

export interface MigrationResult {
  /** The versions this call applied, in order (empty when the schema was current). */
  applied: number[];
  /** The schema version now. */
  version: number;
}

export async function migrate(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, LOCKS.migrate]);
    try {
      return await applyMissing(client, migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, LOCKS.migrate]);
    }
  } finally {
    client.release();
  }
}

async function applyMissing(client: pg.PoolClient, migrations: readonly Migration[]): Promise<MigrationResult> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const done = new Set(
    (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
  );
  const newest = Math.max(0, ...done);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known) {
    throw new StoreOpenError(
      `the database schema is at version ${newest}, newer than this iam-bot knows (${known}). Upgrade iam-bot; the database was left untouched.`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new StoreOpenError(
        `migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}; the schema stays at the previous version`,
        'storage',
        { cause: error },
      );
    }
    applied.push(migration.version);
  }
  return { applied, version: Math.max(newest, ...applied) };
}

/** The schema version the database is at (0 before the first migration): readiness checks compare it. */
export async function schemaVersion(pool: pg.Pool): Promise<number> {
  const table = await pool.query<{ exists: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS exists");
  if (!table.rows[0]?.exists) return 0;
  const { rows } = await pool.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return rows[0]?.version ?? 0;
}

export const LATEST_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));
