/**
 * The Store port's small sections on PostgreSQL: Slack message references, submission counters, sealed
 * secrets and leases. Each decision is the shared one (section-rules.ts), taken inside the transaction
 * that locked the row it reads, so replicas deciding at once take turns on that row.
 */
import type pg from 'pg';
import type { Undelivered } from '../../domain/notice.ts';
import type {
  LeaseStore,
  LendResult,
  MessageRefStore,
  RequestRefs,
  SealedSecret,
  SecretStore,
  SubmissionCounters,
  UseCounters,
} from '../../workflow/ports.ts';
import {
  inWindow,
  takeInWindow,
  isShowing,
  lendSecret,
  mayClaim,
  mayRenew,
  restoreSecret,
  secretExpired,
  secretRecord,
  spendSecret,
  withoutValue,
  type SecretRecord,
} from '../section-rules.ts';
import { inTransaction } from './transaction.ts';

const noRefs = (): RequestRefs => ({ approvals: [] });

export class PostgresMessageRefs implements MessageRefStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(requestId: string): Promise<RequestRefs> {
    const { rows } = await this.pool.query<{ refs: RequestRefs }>(
      'SELECT refs FROM message_refs WHERE request_id = $1',
      [requestId],
    );
    return rows[0]?.refs ?? noRefs();
  }

  update(requestId: string, change: (refs: RequestRefs) => RequestRefs): Promise<void> {
    return inTransaction(this.pool, async (client) => {
      await client.query(
        'INSERT INTO message_refs (request_id, refs) VALUES ($1, $2) ON CONFLICT (request_id) DO NOTHING',
        [requestId, noRefs()],
      );
      const { rows } = await client.query<{ refs: RequestRefs }>(
        'SELECT refs FROM message_refs WHERE request_id = $1 FOR UPDATE',
        [requestId],
      );
      await client.query('UPDATE message_refs SET refs = $2 WHERE request_id = $1', [
        requestId,
        change(rows[0]?.refs ?? noRefs()),
      ]);
    });
  }

  async partsDone(noticeId: string): Promise<readonly string[]> {
    const { rows } = await this.pool.query<{ parts: string[] }>(
      'SELECT parts FROM notice_progress WHERE notice_id = $1',
      [noticeId],
    );
    return rows[0]?.parts ?? [];
  }

  async markPart(noticeId: string, part: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO notice_progress (notice_id, parts) VALUES ($1, jsonb_build_array($2::text))
       ON CONFLICT (notice_id) DO UPDATE SET parts = CASE WHEN notice_progress.parts ? $2 THEN notice_progress.parts
         ELSE notice_progress.parts || jsonb_build_array($2::text) END`,
      [noticeId, part],
    );
  }

  async failures(noticeId: string): Promise<readonly Undelivered[]> {
    const { rows } = await this.pool.query<{ failures: Undelivered[] }>(
      'SELECT failures FROM notice_progress WHERE notice_id = $1',
      [noticeId],
    );
    return rows[0]?.failures ?? [];
  }

  async markFailed(noticeId: string, failure: Undelivered): Promise<void> {
    await this.pool.query(
      `INSERT INTO notice_progress (notice_id, failures) VALUES ($1, jsonb_build_array($2::jsonb))
       ON CONFLICT (notice_id) DO UPDATE SET failures = notice_progress.failures || jsonb_build_array($2::jsonb)`,
      [noticeId, JSON.stringify(failure)],
    );
  }

  async intentOf(key: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ at: string }>('SELECT at FROM post_intents WHERE key = $1', [key]);
    return rows[0] ? Number(rows[0].at) : undefined;
  }

  async intend(key: string, at: number): Promise<void> {
    // The first intent is the one that counts: when the bot first set out to post.
    await this.pool.query('INSERT INTO post_intents (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, at]);
  }

  delivered(noticeId: string): Promise<void> {
    return inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM notice_progress WHERE notice_id = $1', [noticeId]);
      await client.query("DELETE FROM post_intents WHERE starts_with(key, $1 || ':')", [noticeId]);
    });
  }

  forget(requestId: string): Promise<void> {
    return inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM message_refs WHERE request_id = $1', [requestId]);
      await client.query("DELETE FROM post_intents WHERE starts_with(key, $1 || ':')", [requestId]);
    });
  }
}

export function postgresSubmissions(pool: pg.Pool): SubmissionCounters {
  return {
    async count(person, now, windowMs) {
      const { rows } = await pool.query<{ times: string[] }>('SELECT times FROM submissions WHERE person = $1', [
        person,
      ]);
      return inWindow((rows[0]?.times ?? []).map(Number), now, windowMs).length;
    },
    take(person, now, limit) {
      return inTransaction(pool, async (client) => {
        await client.query(
          "INSERT INTO submissions (person, times) VALUES ($1, '{}') ON CONFLICT (person) DO NOTHING",
          [person],
        );
        const { rows } = await client.query<{ times: string[] }>(
          'SELECT times FROM submissions WHERE person = $1 FOR UPDATE',
          [person],
        );
        const taken = takeInWindow((rows[0]?.times ?? []).map(Number), now, limit);
        if (!taken) return false;
        await client.query('UPDATE submissions SET times = $2 WHERE person = $1', [person, taken]);
        return true;
      });
    },
  };
}

export function postgresUses(pool: pg.Pool): UseCounters {
  return {
    async count(key, now, windowMs) {
      const { rows } = await pool.query<{ times: string[] }>('SELECT times FROM allowance_uses WHERE key = $1', [key]);
      return inWindow((rows[0]?.times ?? []).map(Number), now, windowMs).length;
    },
    take(key, now, limit) {
      return inTransaction(pool, async (client) => {
        await client.query(
          "INSERT INTO allowance_uses (key, window_ms, times) VALUES ($1, $2, '{}') ON CONFLICT (key) DO NOTHING",
          [key, limit.windowMs],
        );
        const { rows } = await client.query<{ times: string[] }>(
          'SELECT times FROM allowance_uses WHERE key = $1 FOR UPDATE',
          [key],
        );
        const taken = takeInWindow((rows[0]?.times ?? []).map(Number), now, limit);
        if (!taken) return false;
        await client.query('UPDATE allowance_uses SET window_ms = $2, times = $3 WHERE key = $1', [
          key,
          limit.windowMs,
          taken,
        ]);
        return true;
      });
    },
  };
}

export function postgresSecrets(pool: pg.Pool): SecretStore {
  const read = async (requestId: string) =>
    (await pool.query<{ record: SecretRecord }>('SELECT record FROM secrets WHERE request_id = $1', [requestId]))
      .rows[0]?.record;
  /** Applies `change` to the locked record; undefined from `change` leaves it as it is. */
  const withLocked = <T>(
    requestId: string,
    change: (record: SecretRecord | undefined) => { result: T; next?: SecretRecord | undefined },
  ) =>
    inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ record: SecretRecord }>(
        'SELECT record FROM secrets WHERE request_id = $1 FOR UPDATE',
        [requestId],
      );
      const { result, next } = change(rows[0]?.record);
      if (next) await client.query('UPDATE secrets SET record = $2 WHERE request_id = $1', [requestId, next]);
      return result;
    });
  return {
    async put(secret: SealedSecret) {
      await pool.query(
        'INSERT INTO secrets (request_id, record) VALUES ($1, $2) ON CONFLICT (request_id) DO UPDATE SET record = EXCLUDED.record',
        [secret.requestId, secretRecord(secret)],
      );
    },
    lend: (requestId, person, now, lentUntil) =>
      withLocked<LendResult>(requestId, (record) => lendSecret(record, person, now, lentUntil)),
    restore: (requestId) =>
      withLocked(requestId, (record) => ({ result: undefined, next: record && restoreSecret(record) })),
    spend: (requestId) =>
      withLocked(requestId, (record) => ({ result: undefined, next: record && spendSecret(record) })),
    showing: async (requestId, now) => isShowing(await read(requestId), now),
    holds: async (requestId) => (await read(requestId))?.sealed !== undefined,
    async drop(requestId) {
      await pool.query('DELETE FROM secrets WHERE request_id = $1', [requestId]);
    },
    dropExpired: (now) =>
      inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ record: SecretRecord }>(
          "SELECT record FROM secrets WHERE record ? 'sealed' FOR UPDATE",
        );
        const expired = rows.map((r) => r.record).filter((record) => secretExpired(record, now));
        for (const record of expired)
          await client.query('UPDATE secrets SET record = $2 WHERE request_id = $1', [
            record.requestId,
            withoutValue(record),
          ]);
        return expired.length;
      }),
  };
}

/**
 * Leases in a table. A claim locks the lease's row with SKIP LOCKED: when another replica is claiming it
 * at this very moment, this one does not wait behind it but answers false (the other gets it).
 */
export function postgresLeases(pool: pg.Pool): LeaseStore {
  return {
    claim: (name, holder, now, ttlMs) =>
      inTransaction(pool, async (client) => {
        const inserted = await client.query(
          'INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
          [name, holder, now + ttlMs],
        );
        if (inserted.rowCount === 1) return true;
        const { rows } = await client.query<{ holder: string; expires_at: string }>(
          'SELECT holder, expires_at FROM leases WHERE name = $1 FOR UPDATE SKIP LOCKED',
          [name],
        );
        const row = rows[0];
        if (!row || !mayClaim({ holder: row.holder, expiresAt: Number(row.expires_at) }, holder, now)) return false;
        await client.query('UPDATE leases SET holder = $2, expires_at = $3 WHERE name = $1', [
          name,
          holder,
          now + ttlMs,
        ]);
        return true;
      }),
    renew: (name, holder, now, ttlMs) =>
      inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ holder: string; expires_at: string }>(
          'SELECT holder, expires_at FROM leases WHERE name = $1 FOR UPDATE',
          [name],
        );
        const row = rows[0];
        if (!mayRenew(row && { holder: row.holder, expiresAt: Number(row.expires_at) }, holder)) return false;
        await client.query('UPDATE leases SET expires_at = $2 WHERE name = $1', [name, now + ttlMs]);
        return true;
      }),
    async release(name, holder) {
      await pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
    },
  };
}
