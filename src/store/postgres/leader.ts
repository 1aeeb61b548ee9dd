/**
 * Leadership for periodic work (the tick, reminders, the sweep, checkpoints): the replica whose own
 * connection holds a session advisory lock leads. The lock lives exactly as long as that connection, so
 * a replica that dies (or loses the database) lets go of it at once and the next replica to ask leads.
 */
import pg from 'pg';
import { LOCKS, LOCK_NAMESPACE } from './migrate.ts';

export class AdvisoryLeader {
  #client: pg.Client | undefined;
  #asking: Promise<boolean> | undefined;

  constructor(private readonly url: string) {}

  /** Whether this process leads now; asks for the lock when it does not hold it. Never throws: an unreachable database means not leading. */
  lead(): Promise<boolean> {
    this.#asking ??= this.#ask().finally(() => (this.#asking = undefined));
    return this.#asking;
  }

  async #ask(): Promise<boolean> {
    if (this.#client) {
      // Still ours only while the connection answers: a cut connection's lock is already someone else's.
      if (
        await this.#client.query('SELECT 1').then(
          () => true,
          () => false,
        )
      )
        return true;
      await this.#drop();
    }
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000, keepAlive: true });
    // The connection ending (replica cut off, server restarted) ends the leadership with it.
    const lost = () => {
      if (this.#client === client) this.#client = undefined;
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS got', [
        LOCK_NAMESPACE,
        LOCKS.leader,
      ]);
      if (rows[0]?.got) {
        this.#client = client;
        return true;
      }
    } catch {
      // Not reachable now: someone else may lead; asked again at the next period.
    }
    await client.end().catch(() => undefined);
    return false;
  }

  /** Gives the leadership up (ending the connection releases the lock). */
  async close(): Promise<void> {
    await this.#asking;
    await this.#drop();
  }

  async #drop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
