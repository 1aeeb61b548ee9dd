import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { openServices } from '../app.ts';
import { loadPolicy } from '../config/load-policy.ts';
import { WorkflowFailure } from '../domain/errors.ts';
import type { Policy } from '../domain/policy.ts';
import type { Request } from '../domain/request.ts';
import { isReviewOpen, reviewRef, type Review } from '../domain/review.ts';
import { createLogger } from '../log.ts';
import { ReviewRequestFolder } from '../store/review-requests.ts';
import { readReviews } from '../store/review-snapshot.ts';
import { readSnapshot } from '../store/snapshot.ts';
import type { Directory } from '../workflow/ports.ts';
import { reportCsv, reviewReport } from '../workflow/review-report.ts';
import { databaseOf, withDatabase } from './database.ts';
import { EXIT, UsageError, dataDirOf, type Io } from './io.ts';

export const reviewHelp = `Usage: iam-bot review start --item ITEM [--actor WHO] [--config FILE] [--data DIR]
       iam-bot review report [--review RV-XXXXXXXX | --item ITEM] [--format csv|json] [--data DIR]

start   Asks for an access review of a catalog item's group, as the policy's reviews: section says (who
        reviews, the deadline, the reminder). The running bot starts it at its next tick: it lists the
        group's members and asks each reviewer in Slack to keep or remove each one. With the data
        directory the ask is left in DIR/review-requests/ (the bot holds the store); with DATABASE_URL
        it is written to the database, and whichever replica leads starts it.
report  Per member of each review: the decision (keep, remove, undecided), by whom, when, and the
        removal request that carried a removal out. Undecided members were left in the group. Reads
        without locking, so it works while the bot runs.

Options:
  --item ITEM          the catalog item (start: required; report: only its reviews)
  --review REF         one review, by its RV- reference or id (report)
  --format csv|json    csv (default): one row per member; json: one object per review
  --actor WHO          who asks, for the audit log (default: the OS user)
  --config FILE        the policy file (start; default: $IAM_BOT_POLICY, then ./policy.yml)
  --data DIR           the data directory (default: $IAM_BOT_DATA_DIR, then ./data)
  --help               this text`;

interface Values {
  item?: string | undefined;
  review?: string | undefined;
  format?: string | undefined;
  actor?: string | undefined;
  config?: string | undefined;
  data?: string | undefined;
}

export async function review(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      item: { type: 'string' },
      review: { type: 'string' },
      format: { type: 'string' },
      actor: { type: 'string' },
      config: { type: 'string' },
      data: { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...extra] = positionals;
  if (values.help || action === undefined) {
    io.out(reviewHelp);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (action === 'start') return start(values, io);
  if (action === 'report') return report(values, io);
  throw new UsageError(`unknown review action "${action}"; use start or report`);
}

async function start(values: Values, io: Io): Promise<number> {
  const itemId = values.item;
  if (!itemId) throw new UsageError('review start needs --item, the catalog item whose group is reviewed');
  const { policy } = await loadPolicy(values.config ?? io.env.IAM_BOT_POLICY ?? 'policy.yml', io.env, {
    missingEnv: 'warn',
  });
  const refused = unreviewable(policy, itemId);
  if (refused) {
    io.err(`iam-bot review start: ${refused}`);
    return EXIT.failed;
  }
  const actor = values.actor ?? osUser(io.env);
  const database = databaseOf(io.env);
  if (database !== undefined) return startOnDatabase(policy, database, itemId, actor, values, io);
  const dataDir = dataDirOf(values, io.env);
  const open = (await readReviews(dataDir)).find((r) => r.itemId === itemId && isReviewOpen(r));
  if (open) {
    io.err(
      `iam-bot review start: ${open.ref} of ${itemId} is still ${open.status.state}: one review of an item at a time.`,
    );
    return EXIT.failed;
  }
  const id = randomUUID();
  await new ReviewRequestFolder(dataDir).ask({ id, itemId, requestedBy: actor, at: Date.now() });
  io.out(
    `${reviewRef(id)}: review of ${itemId} asked for. The running bot starts it at its next tick (or when it starts); follow it with: iam-bot review report --review ${reviewRef(id)}`,
  );
  return EXIT.ok;
}

async function startOnDatabase(
  policy: Policy,
  databaseUrl: string,
  itemId: string,
  actor: string,
  values: Values,
  io: Io,
): Promise<number> {
  const nobody: Directory = {
    managerOf: async () => undefined,
    emailOf: async () => undefined,
    standingOf: async () => 'member',
    usergroupMembers: async () => [],
  };
  const services = await openServices({
    policy,
    dataDir: dataDirOf(values, io.env),
    databaseUrl,
    providers: new Map(),
    notifier: { deliver: async () => ({ undelivered: [] }) },
    directory: nobody,
    log: createLogger({ level: 'warn' }),
    active: false,
  });
  try {
    const asked = await services.reviews.request(itemId, actor);
    io.out(
      `${asked.ref}: review of ${itemId} asked for. The leading replica starts it at its next tick; follow it with: iam-bot review report --review ${asked.ref}`,
    );
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof WorkflowFailure)) throw error;
    io.err(`iam-bot review start: ${error.error.message}`);
    return EXIT.failed;
  } finally {
    await services.close();
  }
}

/** Why the policy cannot review the item, or undefined. */
function unreviewable(policy: Policy, itemId: string): string | undefined {
  if (policy.reviews?.some((r) => r.itemId === itemId)) return undefined;
  const known = (policy.reviews ?? []).map((r) => r.itemId);
  return `the policy's reviews: section has no review of "${itemId}" (${known.length > 0 ? `reviewed items: ${known.join(', ')}` : 'it reviews no item: add one, see the README'}).`;
}

function osUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'cli';
  }
}

async function report(values: Values, io: Io): Promise<number> {
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json, not "${format}"`);
  if (values.review !== undefined && values.item !== undefined)
    throw new UsageError('give --review or --item, not both');
  const database = databaseOf(io.env);
  let reviews: Review[];
  let requests: Request[];
  if (database !== undefined) {
    [reviews, requests] = await withDatabase(database, async (store) => [
      await store.reviews.list(),
      await store.list(),
    ]);
  } else {
    const dataDir = dataDirOf(values, io.env);
    reviews = await readReviews(dataDir);
    requests = (await readSnapshot(dataDir)).requests;
  }
  const wanted = values.review?.trim();
  const shown = reviews.filter(
    (r) =>
      (wanted === undefined || r.ref.toUpperCase() === wanted.toUpperCase() || r.id === wanted) &&
      (values.item === undefined || r.itemId === values.item),
  );
  if (wanted !== undefined && shown.length === 0) {
    io.err(`iam-bot review report: there is no access review ${wanted}.`);
    return EXIT.failed;
  }
  const byId = new Map(requests.map((r) => [r.id, r]));
  const reports = shown.map((r) => reviewReport(r, (id) => byId.get(id)));
  if (format === 'json') io.out(JSON.stringify(reports, null, 2));
  else io.stdout.write(reportCsv(reports));
  return EXIT.ok;
}
