import { parseArgs } from 'node:util';
import { dataFiles } from '../app.ts';
import { exportAudit, verifyAuditLog } from '../audit/index.ts';
import { readSnapshot } from '../store/snapshot.ts';
import { EXIT, UsageError, dataDirOf, type Io } from './io.ts';

export const auditHelp = `Usage: iam-bot audit verify [--data DIR]
       iam-bot audit export [--since DATE] [--format jsonl|csv] [--data DIR]

verify  Checks the hash chain of the audit log, and that it still reaches the last entry the bot
        recorded. Exits 0 when intact, 1 naming the first bad sequence number.
export  Writes the audit log to stdout as JSON lines (default) or CSV.

Options:
  --data DIR       the data directory (default: $IAM_BOT_DATA_DIR, then ./data)
  --since DATE     export entries at or after DATE (ISO 8601, e.g. 2026-11-01 or 2026-11-01T08:00:00Z)
  --format FORMAT  jsonl or csv (default jsonl)
  --help           this text`;

export async function audit(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { data: { type: 'string' }, since: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...extra] = positionals;
  if (values.help || action === undefined) {
    io.out(auditHelp);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const dataDir = dataDirOf(values, io.env);
  const file = dataFiles(dataDir).audit;
  switch (action) {
    case 'verify': {
      if (values.since !== undefined || values.format !== undefined) throw new UsageError('--since and --format go with export');
      const { auditHead } = await readSnapshot(dataDir);
      const result = await verifyAuditLog(file, auditHead);
      if (result.ok) {
        io.out(`${file}: intact, ${result.count} entries${result.head ? `, last seq ${result.head.seq} hash ${result.head.hash}` : ''}`);
        return EXIT.ok;
      }
      io.err(`${file}: broken at seq ${result.seq}: ${result.problem}`);
      return EXIT.failed;
    }
    case 'export': {
      const format = values.format ?? 'jsonl';
      if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format must be jsonl or csv, not "${format}"`);
      const options: { format: 'jsonl' | 'csv'; since?: Date } = { format };
      if (values.since !== undefined) options.since = parseDate(values.since);
      await exportAudit(file, options, io.stdout);
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown audit action "${action}"; use verify or export`);
  }
}

function parseDate(text: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--since expects an ISO 8601 date like 2026-11-01 or 2026-11-01T08:00:00Z, not "${text}"`);
  }
  return date;
}
