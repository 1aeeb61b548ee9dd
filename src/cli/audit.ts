import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { dataFiles } from '../app.ts';
import { readFile } from 'node:fs/promises';
import {
  exportAudit,
  exportDays,
  parseCheckpoint,
  parseCheckpointFile,
  verifyAuditLog,
  verifyLines,
  type Anchor,
  type AuditSource,
  type ExportOptions,
} from '../audit/index.ts';
import { LowdbStore } from '../store/lowdb-store.ts';
import { StoreOpenError } from '../shared/store-open-error.ts';
import { readSnapshot } from '../store/snapshot.ts';
import { loadPolicy } from '../config/load-policy.ts';
import { verifySlack } from './audit-slack.ts';
import { databaseOf, withDatabase } from './database.ts';
import { EXIT, UsageError, dataDirOf, terminationSignal, type Io } from './io.ts';

type ExportValues = {
  since?: string | undefined;
  out?: string | undefined;
  format?: string | undefined;
  follow?: boolean | undefined;
  'after-seq'?: string | undefined;
};

export const auditHelp = `Usage: iam-bot audit verify [--checkpoint SEQ:HASH|FILE]... [--slack [--channel ID] [--config FILE]] [--data DIR]
       iam-bot audit export [--since DATE] [--after-seq N] [--follow] [--format jsonl|csv] [--out DIR] [--data DIR]
       iam-bot audit accept-loss --reason TEXT [--data DIR]

verify       Checks the hash chain of the audit log, and that it still reaches the last entry the bot
             recorded and every checkpoint given. Exits 0 when intact, 1 naming the first bad
             sequence number. With --slack (and SLACK_BOT_TOKEN), then reads the audit channel's
             threads and reports any reply whose event the log does not hold, any logged request
             event with no reply, and any reply whose sequence, hash or text does not match.
export       Writes the audit log to stdout as JSON lines (default) or CSV; with --out, as one file
             per UTC day (audit-YYYY-MM-DD.jsonl) with its SHA-256 beside it (.sha256), for
             write-once storage. With --follow it keeps writing entries as the bot appends them until
             stopped (SIGINT/SIGTERM): a SIEM feed that resumes with --after-seq and the last seq it stored.
accept-loss  With the bot stopped: the log is intact but lost entries the bot recorded (truncated, or
             restored from an older backup), so the bot refuses to start. Appends an
             audit.loss_accepted entry (who ran it, the reason, what was recorded and what was found)
             and lets the bot start from there. A damaged line is not a loss: it is refused.

Options:
  --data DIR       the data directory (default: $IAM_BOT_DATA_DIR, then ./data)
  --since DATE     export entries at or after DATE (ISO 8601, e.g. 2026-11-01 or 2026-11-01T08:00:00Z)
  --after-seq N    export entries whose seq is greater than N
  --follow         keep exporting new entries until stopped
  --format FORMAT  jsonl or csv (default jsonl)
  --out DIR        export: write one file per day into DIR; an exported day may only grow
  --slack          verify: check the audit channel's threads against the log too
  --channel ID     --slack: the audit channel (default: the policy's audit.channel)
  --config FILE    --slack: the policy file (default: $IAM_BOT_POLICY, then ./policy.yml)
  --checkpoint CP  verify: a checkpoint the bot posted to the audit channel, as SEQ:HASH, or a file
                   with one per line; the log must still hold that hash at that sequence
  --reason TEXT    accept-loss: why the loss is accepted (required; recorded in the log)
  --help           this text`;

export async function audit(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      since: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      checkpoint: { type: 'string', multiple: true },
      'after-seq': { type: 'string' },
      follow: { type: 'boolean' },
      slack: { type: 'boolean' },
      channel: { type: 'string' },
      config: { type: 'string' },
      reason: { type: 'string' },
      help: { type: 'boolean' },
    },
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
  if (values.reason !== undefined && action !== 'accept-loss') throw new UsageError('--reason goes with accept-loss');
  if ((values.checkpoint !== undefined || values.slack !== undefined) && action !== 'verify')
    throw new UsageError('--checkpoint and --slack go with verify');
  if ((values.channel !== undefined || values.config !== undefined) && !values.slack)
    throw new UsageError('--channel and --config go with verify --slack');
  if (action !== 'export' && (values.since !== undefined || values.format !== undefined || values.out !== undefined)) {
    throw new UsageError('--since, --format and --out go with export');
  }
  if (action !== 'export' && (values['after-seq'] !== undefined || values.follow))
    throw new UsageError('--after-seq and --follow go with export');
  switch (action) {
    case 'verify': {
      const checkpoints = await readCheckpoints(values.checkpoint ?? []);
      const channel = values.slack ? await auditChannel(values, io) : undefined;
      const database = databaseOf(io.env);
      if (database !== undefined) {
        return withDatabase(database, async (store, name) => {
          // The log and the store are one database: the chain's own head is the one recorded.
          const result = await verifyLines(store.auditLog.lines(), checkpoints);
          if (!result.ok) {
            io.err(`${name}: broken at seq ${result.seq}: ${result.problem}`);
            return EXIT.failed;
          }
          io.out(
            `${name}: intact, ${result.count} entries${result.head ? `, last seq ${result.head.seq} hash ${result.head.hash}` : ''}`,
          );
          const waiting = (await store.pendingNotices()).map((n) => n.id);
          return channel === undefined
            ? EXIT.ok
            : verifySlack({ name, lines: (after) => store.auditLog.lines(after) }, channel, waiting, io);
        });
      }
      const { auditHead, pendingNotices } = await readSnapshot(dataDir);
      const result = await verifyAuditLog(file, [...(auditHead ? [auditHead] : []), ...checkpoints]);
      if (result.ok) {
        io.out(
          `${file}: intact, ${result.count} entries${result.head ? `, last seq ${result.head.seq} hash ${result.head.hash}` : ''}`,
        );
        return channel === undefined ? EXIT.ok : verifySlack(file, channel, pendingNotices, io);
      }
      io.err(`${file}: broken at seq ${result.seq}: ${result.problem}`);
      return EXIT.failed;
    }
    case 'export': {
      const database = databaseOf(io.env);
      if (database !== undefined) {
        return withDatabase(database, (store, name) =>
          exportFrom({ name, lines: (after) => store.auditLog.lines(after) }, values, io),
        );
      }
      return exportFrom(file, values, io);
    }
    case 'accept-loss': {
      const reason = values.reason?.trim();
      if (!reason)
        throw new UsageError(
          'accept-loss needs --reason TEXT: why the lost entries are given up (it is recorded in the log)',
        );
      return acceptLoss(io, dataDir, file, reason);
    }
    default:
      throw new UsageError(`unknown audit action "${action}"; use verify, export or accept-loss`);
  }
}

/** `audit export` from the log wherever it is kept. */
async function exportFrom(source: AuditSource, values: ExportValues, io: Io): Promise<number> {
  const since = values.since === undefined ? {} : { since: parseDate(values.since) };
  if (values.out !== undefined) {
    if (values.format !== undefined && values.format !== 'jsonl')
      throw new UsageError('--out writes JSON lines; leave out --format');
    if (values.follow || values['after-seq'] !== undefined)
      throw new UsageError('--follow and --after-seq write to stdout; leave out --out');
    for (const day of await exportDays(source, values.out, since)) {
      io.out(
        `${day.name}: ${day.entries} entries, sha256 ${day.sha256}${day.status === 'written' ? '' : ` (${day.status})`}`,
      );
    }
    return EXIT.ok;
  }
  const format = values.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') throw new UsageError(`--format must be jsonl or csv, not "${format}"`);
  const options: ExportOptions = { format, ...since };
  if (values['after-seq'] !== undefined) options.afterSeq = parseSeq(values['after-seq']);
  if (values.follow) options.follow = { signal: io.signal ?? terminationSignal() };
  try {
    await exportAudit(source, options, io.stdout);
  } catch (error) {
    // The reader went away (`| head`, a closed SIEM socket): that ends the export, it is not a failure.
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
  }
  return EXIT.ok;
}

/** Records an accepted loss in the log itself and moves the store's recorded head to that entry. */
async function acceptLoss(io: Io, dataDir: string, file: string, reason: string): Promise<number> {
  // Opened without the continuity check it exists to get past.
  const store = await LowdbStore.open({ dataDir, checkAuditContinuity: false });
  try {
    const recorded = await store.auditHead();
    const result = await verifyAuditLog(file, recorded);
    if (result.ok) {
      io.out(`${file}: intact and reaches the last entry recorded; there is no loss to accept.`);
      return EXIT.ok;
    }
    if (result.kind === 'damaged') {
      throw new StoreOpenError(
        `${file}:${result.line}: ${result.problem}. That is damage, not a loss: accept-loss only goes on from missing entries. Restore the file from a backup.`,
        'damaged',
      );
    }
    const found = await store.auditLog.head();
    const [entry] = await store.auditLog.append([
      {
        eventId: randomUUID(),
        time: Date.now(),
        actor: operator(),
        event: 'audit.loss_accepted',
        details: {
          reason,
          problem: result.problem,
          recorded: recorded ? { seq: recorded.seq, hash: recorded.hash } : null,
          found: found ? { seq: found.seq, hash: found.hash } : null,
        },
      },
    ]);
    await store.auditWritten({ seq: entry!.seq, hash: entry!.hash, eventId: entry!.eventId });
    io.out(`${file}: the loss is recorded as entry ${entry!.seq} (audit.loss_accepted); the bot starts from there.`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** Who ran the command, as the operating system knows them (a container user may have no name). */
function operator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/** The channel `--slack` reads: `--channel`, else the policy's audit channel. */
async function auditChannel(
  values: { channel?: string | undefined; config?: string | undefined },
  io: Io,
): Promise<string> {
  if (values.channel !== undefined) return values.channel;
  const config = await loadPolicy(values.config ?? io.env.IAM_BOT_POLICY ?? 'policy.yml', io.env, {
    missingEnv: 'warn',
  });
  const channel = config.policy.audit.channel;
  if (channel === undefined) throw new UsageError('the policy names no audit.channel: give --channel ID');
  return channel;
}

/** `--checkpoint` values: each SEQ:HASH, or a file of them. */
async function readCheckpoints(values: readonly string[]): Promise<Anchor[]> {
  const anchors: Anchor[] = [];
  for (const value of values) {
    const inline = /^\d+:[0-9a-f]{64}$/.test(value)
      ? parseCheckpoint(value, `checkpoint ${value.slice(0, value.indexOf(':'))}`)
      : undefined;
    if (inline) {
      anchors.push(inline);
      continue;
    }
    let text: string;
    try {
      text = await readFile(value, 'utf8');
    } catch {
      throw new UsageError(
        `--checkpoint expects SEQ:HASH (a sequence number, a colon and a 64-digit hex hash) or a readable file of them, not "${value}"`,
      );
    }
    const parsed = parseCheckpointFile(text, value);
    if (!Array.isArray(parsed))
      throw new UsageError(`${value}:${parsed.line}:${parsed.column}: expected a checkpoint SEQ:HASH`);
    anchors.push(...parsed);
  }
  return anchors;
}

function parseDate(text: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--since expects an ISO 8601 date like 2026-11-01 or 2026-11-01T08:00:00Z, not "${text}"`);
  }
  return date;
}

function parseSeq(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new UsageError(`--after-seq expects a sequence number (0 or more), not "${text}"`);
  return Number(text);
}
