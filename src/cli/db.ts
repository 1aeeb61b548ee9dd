import { parseArgs } from 'node:util';
import { describeDatabase } from '../shared/database-url.ts';
import { connectionError, openPool } from '../store/postgres/connection.ts';
import { migrate } from '../store/postgres/migrate.ts';
import { EXIT, UsageError, type Io } from './io.ts';

export const dbHelp = `Usage: iam-bot db migrate

migrate  Brings the PostgreSQL schema named by DATABASE_URL up to this release. The bot does the same at
         each start; run it ahead of an upgrade to see the migrations apply on their own. Safe beside
         running replicas and other migrators: they take turns under a lock, and each migration applies once.

It needs:
  DATABASE_URL   postgres://user:password@host:5432/database

Options:
  --help         this text`;

export async function db(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { help: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...extra] = positionals;
  if (values.help || action === undefined) {
    io.out(dbHelp);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (action !== 'migrate') throw new UsageError(`unknown db action "${action}"; use migrate`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const url = io.env.DATABASE_URL?.trim();
  if (!url)
    throw new UsageError(
      'DATABASE_URL is not set: db migrate works on a PostgreSQL database (the embedded store needs no migration)',
    );
  const pool = openPool(url, 1);
  try {
    const { applied, version } = await migrate(pool);
    const what = applied.length === 0 ? 'already current' : `applied ${applied.join(', ')}`;
    io.out(`${describeDatabase(url)}: schema version ${version} (${what})`);
    return EXIT.ok;
  } catch (error) {
    throw connectionError(error, url);
  } finally {
    await pool.end();
  }
}
