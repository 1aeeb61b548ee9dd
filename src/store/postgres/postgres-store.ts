/**
 * The Store on PostgreSQL, for one or several replicas. A `commit` is one transaction: the request's
 * compare-and-set on its version, its audit entries chained onto the log (serialised on the chain's head
 * row) and its notices. Nothing is cached in the process: every read asks the database, so a replica
 * sees what the others committed. The schema is brought up to date at open, under an advisory lock.
 */
import type pg from 'pg';
import type { AuditHead, AuditRecord } from '../../domain/audit-event.ts';
import { isRequestNotice, type Notice } from '../../domain/notice.ts';
import { isClosed, type Request } from '../../domain/request.ts';
import { scrubDeep } from '../../domain/scrub.ts';
import { upgradeRequest } from '../../domain/upgrade.ts';
import { isReviewOpen, type Review } from '../../domain/review.ts';
import {
  StoreConflictError,
  type Commit,
  type ListFilter,
  type AuditAndNotices,
  type ReviewStore,
  type Store,
} from '../../workflow/ports.ts';
import { appendIn, PostgresAuditLog } from './audit-chain.ts';
import { connectionError, openPool } from './connection.ts';
import { AdvisoryLeader } from './leader.ts';
import { FORM_LOCK_NAMESPACE, LATEST_VERSION, migrate, schemaVersion, type MigrationResult } from './migrate.ts';
import { PostgresMessageRefs, postgresLeases, postgresSecrets, postgresSubmissions, postgresUses } from './sections.ts';
import { inTransaction, type Queryable } from './transaction.ts';

export interface PostgresStoreOptions {
  url: string;
  /** Connections this process may hold (default 10). */
  poolSize?: number;
}

export class PostgresStore implements Store {
  readonly auditLog: PostgresAuditLog;
  readonly messages: PostgresMessageRefs;
  readonly submissions;
  readonly uses;
  readonly secrets;
  readonly leases;
  readonly reviews: ReviewStore;
  readonly #leader: AdvisoryLeader;

  private constructor(
    readonly pool: pg.Pool,
    /** What opening migrated, for the operator. */
    readonly migration: MigrationResult,
    url: string,
  ) {
    this.#leader = new AdvisoryLeader(url);
    this.auditLog = new PostgresAuditLog(pool);
    this.messages = new PostgresMessageRefs(pool);
    this.submissions = postgresSubmissions(pool);
    this.uses = postgresUses(pool);
    this.secrets = postgresSecrets(pool);
    this.leases = postgresLeases(pool);
    this.reviews = postgresReviews(pool);
  }

  /** Connects and migrates; a database that cannot be reached or used is a StoreOpenError naming it (never its password). */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = openPool(options.url, options.poolSize);
    try {
      return new PostgresStore(pool, await migrate(pool), options.url);
    } catch (error) {
      await pool.end();
      throw connectionError(error, options.url);
    }
  }

  async reserveNumber(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>("SELECT nextval('request_numbers')::integer AS n");
    return rows[0]!.n;
  }

  commit(commit: Commit): Promise<void> {
    // Last line of defence: no known secret's value reaches the database, whatever text carried it here.
    const change = scrubDeep(commit);
    return inTransaction(this.pool, async (client) => {
      await refuseSecondForm(client, change.request, change.expectedVersion);
      await compareAndSet(client, change.request, change.expectedVersion);
      await appendIn(client, change.audit);
      await addNotices(client, change.notices ?? []);
    });
  }

  async get(id: string): Promise<Request | undefined> {
    return this.#one('SELECT body FROM requests WHERE id = $1', [id]);
  }

  async getByNumber(number: number): Promise<Request | undefined> {
    return this.#one('SELECT body FROM requests WHERE number = $1', [number]);
  }

  async findSubmission(requester: string, submissionKey: string): Promise<Request | undefined> {
    return this.#one('SELECT body FROM requests WHERE requester = $1 AND submission_key = $2 ORDER BY number LIMIT 1', [
      requester,
      submissionKey,
    ]);
  }

  async openRequests(): Promise<Request[]> {
    return this.#many('SELECT body FROM requests WHERE NOT closed ORDER BY number', []);
  }

  async list(filter: ListFilter = {}): Promise<Request[]> {
    return this.#many(
      'SELECT body FROM requests WHERE ($1::text[] IS NULL OR state = ANY($1)) AND ($2::text IS NULL OR requester = $2) ORDER BY number',
      [filter.states ? [...filter.states] : null, filter.requester ?? null],
    );
  }

  record(recorded: AuditAndNotices): Promise<void> {
    const change = scrubDeep(recorded);
    return inTransaction(this.pool, async (client) => {
      await appendIn(client, change.audit);
      await addNotices(client, change.notices);
    });
  }

  /** Always none: audit events are chained inside the transaction that caused them. */
  async pendingAudit(): Promise<readonly AuditRecord[]> {
    return [];
  }

  /** Nothing to do: the log and the store are one database, so the head is always the log's own. */
  async auditWritten(): Promise<void> {}

  auditHead(): Promise<AuditHead | undefined> {
    return this.auditLog.head();
  }

  async pendingNotices(): Promise<readonly Notice[]> {
    const { rows } = await this.pool.query<{ body: Notice }>('SELECT body FROM notices ORDER BY position');
    return rows.map((r) => upgradeNotice(r.body));
  }

  /** From the notices' generated `subject` column (migration 0004): no body is read. */
  async noticeSubjects(): Promise<readonly string[]> {
    const { rows } = await this.pool.query<{ subject: string }>(
      'SELECT subject FROM notices GROUP BY subject ORDER BY min(position)',
    );
    return rows.map((r) => r.subject);
  }

  async pendingNoticesOf(subject: string): Promise<readonly Notice[]> {
    const { rows } = await this.pool.query<{ body: Notice }>(
      'SELECT body FROM notices WHERE subject = $1 ORDER BY position',
      [subject],
    );
    return rows.map((r) => upgradeNotice(r.body));
  }

  noticeDone(id: string, followUp: AuditAndNotices = { audit: [], notices: [] }): Promise<void> {
    const change = scrubDeep(followUp);
    return inTransaction(this.pool, async (client) => {
      const removed = await client.query('DELETE FROM notices WHERE id = $1', [id]);
      // Done already (by this replica earlier, or another): its follow-up was recorded then.
      if (removed.rowCount === 0) return;
      await appendIn(client, change.audit);
      await addNotices(client, change.notices);
    });
  }

  leads(): Promise<boolean> {
    return this.#leader.lead();
  }

  async problem(): Promise<string | undefined> {
    try {
      const version = await schemaVersion(this.pool);
      return version < LATEST_VERSION
        ? `database schema at version ${version}, this release needs ${LATEST_VERSION}`
        : undefined;
    } catch (error) {
      return `database unreachable (${(error as { code?: string }).code ?? (error as Error).message})`;
    }
  }

  async close(): Promise<void> {
    await this.#leader.close();
    await this.pool.end();
  }

  async #one(sql: string, params: unknown[]): Promise<Request | undefined> {
    return (await this.#many(sql, params))[0];
  }

  async #many(sql: string, params: unknown[]): Promise<Request[]> {
    const { rows } = await this.pool.query<{ body: Request }>(sql, params);
    return rows.map((r) => upgradeRequest(r.body));
  }
}

/**
 * One form, one request, whichever replicas it reached: a new request from a form waits for any other
 * submission of that form to commit (a lock held to the end of the transaction), then is refused with a
 * StoreConflictError if that one made a request.
 */
async function refuseSecondForm(client: Queryable, request: Request, expected: number | null): Promise<void> {
  if (expected === null && request.submissionKey !== undefined) {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      FORM_LOCK_NAMESPACE,
      `${request.requester}\n${request.submissionKey}`,
    ]);
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM requests WHERE requester = $1 AND submission_key = $2 LIMIT 1',
      [request.requester, request.submissionKey],
    );
    if (rows[0]) throw new StoreConflictError(request.id, expected, rows[0].version);
  }
}

/** Writes the request if the stored version is still `expected` (null: the id must be new), else throws StoreConflictError. */
export async function compareAndSet(client: Queryable, request: Request, expected: number | null): Promise<void> {
  const values = [
    request.id,
    request.number,
    request.requester,
    request.submissionKey ?? null,
    request.status.state,
    isClosed(request),
    request.version,
    request,
  ];
  const written =
    expected === null
      ? await client.query(
          `INSERT INTO requests (id, number, requester, submission_key, state, closed, version, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (id) DO NOTHING`,
          values,
        )
      : await client.query(
          `UPDATE requests SET number = $2, requester = $3, submission_key = $4, state = $5, closed = $6, version = $7, body = $8
           WHERE id = $1 AND version = $9`,
          [...values, expected],
        );
  if (written.rowCount === 1) return;
  const { rows } = await client.query<{ version: number }>('SELECT version FROM requests WHERE id = $1', [request.id]);
  throw new StoreConflictError(request.id, expected, rows[0]?.version ?? null);
}

/** Reviews: a save is one transaction, the review's compare-and-set with its audit entries and notices. */
function postgresReviews(pool: pg.Pool): ReviewStore {
  const many = async (sql: string, params: unknown[]) =>
    (await pool.query<{ body: Review }>(sql, params)).rows.map((r) => r.body);
  return {
    save: (saved) => {
      const change = scrubDeep(saved);
      return inTransaction(pool, async (client) => {
        const { review, expectedVersion } = change;
        const values = [
          review.id,
          review.status.state,
          !isReviewOpen(review),
          review.version,
          review.createdAt,
          review,
        ];
        const written =
          expectedVersion === null
            ? await client.query(
                `INSERT INTO reviews (id, state, closed, version, created_at, body) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (id) DO NOTHING`,
                values,
              )
            : await client.query(
                `UPDATE reviews SET state = $2, closed = $3, version = $4, created_at = $5, body = $6
                 WHERE id = $1 AND version = $7`,
                [...values, expectedVersion],
              );
        if (written.rowCount !== 1) {
          const { rows } = await client.query<{ version: number }>('SELECT version FROM reviews WHERE id = $1', [
            review.id,
          ]);
          throw new StoreConflictError(review.id, expectedVersion, rows[0]?.version ?? null);
        }
        await appendIn(client, change.audit);
        await addNotices(client, change.notices ?? []);
      });
    },
    get: async (id) => (await many('SELECT body FROM reviews WHERE id = $1', [id]))[0],
    open: () => many('SELECT body FROM reviews WHERE NOT closed ORDER BY created_at, id', []),
    list: () => many('SELECT body FROM reviews ORDER BY created_at, id', []),
  };
}

export async function addNotices(client: Queryable, notices: readonly Notice[]): Promise<void> {
  if (notices.length === 0) return;
  // One statement keeps their order: positions are drawn in the order of the array.
  await client.query(
    'INSERT INTO notices (id, body) SELECT id, body FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS n(id, body, i) ORDER BY i ON CONFLICT (id) DO NOTHING',
    [notices.map((n) => n.id), notices.map((n) => JSON.stringify(n))],
  );
}

function upgradeNotice(notice: Notice): Notice {
  return isRequestNotice(notice) ? { ...notice, request: upgradeRequest(notice.request) } : notice;
}
