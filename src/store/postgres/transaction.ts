/** Runs work in one transaction on one pooled connection: all of it commits, or none. */
import type pg from 'pg';

export type Queryable = Pick<pg.PoolClient, 'query'>;

export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw error;
  } finally {
    // A connection that could not even roll back is not handed to the next caller.
    client.release(broken);
  }
}
