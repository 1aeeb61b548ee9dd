import { parseArgs } from 'node:util';
import { LowdbStore } from '../store/lowdb-store.ts';
import { describeDatabase, isDatabaseUrl } from '../shared/database-url.ts';
import { connectionError } from '../store/postgres/connection.ts';
import { copyStore } from '../store/postgres/copy.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { EXIT, UsageError, dataDirOf, type Io } from './io.ts';

export const storeHelp = `Usage: iam-bot store copy --to postgres://… [--data DIR]

copy  Moves the embedded store (the data directory) into an empty PostgreSQL database, all of it: every
      request and the next request number, the audit log line for line (the same hashes, so earlier
      checkpoints still vouch for it) and the events not yet in it, the notices still to deliver, the
      Slack message index (message references, delivery progress, post intents), the submission counters
      and the secrets awaiting their reveal (sealed as they are: start the replicas with the same
      IAM_BOT_SEALING_KEY). One transaction: on any failure the database stays empty. The copied chain is
      then verified against the data directory's, and each section's count against the source's. Stop the
      bot first (the data directory is locked while it runs); start it again with DATABASE_URL set.

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
        `${dataDir} → ${describeDatabase(values.to)}: ${copied.requests} requests, ${copied.auditEntries} audit entries, ${copied.notices} notices to deliver, ${copied.messageRefs} requests' Slack messages, ${copied.postIntents} post intents, ${copied.submitters} submitters' counters, ${copied.allowanceUses} allowance counters, ${copied.secrets} sealed secrets${head}`,
      );
      return EXIT.ok;
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}
