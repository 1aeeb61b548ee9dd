import { parseArgs } from 'node:util';
import { LowdbStore } from '../store/lowdb-store.ts';
import { describeDatabase, isDatabaseUrl } from '../shared/database-url.ts';
import { connectionError } from '../store/postgres/connection.ts';
import { copyStore } from '../store/postgres/copy.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { EXIT, UsageError, dataDirOf, type Io } from './io.ts';

export const storeHelp = `Usage: iam-bot store copy --to postgres://… [--data DIR]

copy  Moves the embedded store (the data directory) into an empty PostgreSQL database: every request,
      the audit log line for line (the same hashes, so earlier checkpoints still vouch for it), the
      notices still to deliver and the Slack message references. One transaction: on any failure the
      database stays empty. The copied chain is then verified against the data directory's. Stop the bot
      first (the data directory is locked while it runs); start it again with DATABASE_URL set.
      Not copied: submission counters (a minute's worth) and secrets still awaiting their reveal
      (copy when no key rotation waits for one).

Options:
  --to URL    the PostgreSQL database (postgres://user:password@host:5432/database)
  --data DIR  the data directory (default: $IAM_BOT_DATA_DIR, then ./data)
  --help      this text`;

export async function store(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { to: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...extra] = positionals;
  if (values.help || action === undefined) {
    io.out(storeHelp);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (action !== 'copy') throw new UsageError(`unknown store action "${action}"; use copy`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (values.to === undefined) throw new UsageError('copy needs --to postgres://… (the database to fill)');
  if (!isDatabaseUrl(values.to))
    throw new UsageError(`--to must be a postgres:// URL, not "${describeDatabase(values.to)}"`);
  const dataDir = dataDirOf(values, io.env);
  const from = await LowdbStore.open({ dataDir });
  try {
    const to = await PostgresStore.open({ url: values.to });
    try {
      const copied = await copyStore(from, to, values.to).catch((error: unknown) => {
        throw connectionError(error, values.to!);
      });
      const head = copied.head ? `, chain verified up to seq ${copied.head.seq} hash ${copied.head.hash}` : '';
      io.out(
        `${dataDir} → ${describeDatabase(values.to)}: ${copied.requests} requests, ${copied.auditEntries} audit entries, ${copied.notices} notices to deliver${head}`,
      );
      return EXIT.ok;
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}
