import { parseArgs } from 'node:util';
import { formatDuration } from '../domain/duration.ts';
import { STATES, type Request, type State } from '../domain/request.ts';
import { readSnapshot } from '../store/snapshot.ts';
import { openServices } from '../app.ts';
import { loadPolicy } from '../config/load-policy.ts';
import { WorkflowFailure } from '../domain/errors.ts';
import { createLogger } from '../log.ts';
import { StoreOpenError } from '../shared/store-open-error.ts';
import type { Directory } from '../workflow/ports.ts';
import { databaseOf, withDatabase } from './database.ts';
import { EXIT, UsageError, dataDirOf, type Io } from './io.ts';

export const requestsHelp = `Usage: iam-bot requests list [--state STATE] [--json] [--data DIR]
       iam-bot requests retry REQ-0042 --actor SLACK_USER_ID [--config FILE] [--data DIR]

list   Lists requests, oldest first. Reads the data directory without locking it, so it works while the
       bot runs.
retry  Sends a failed request back to be carried out again, as the admin --actor (a Slack user id in the
       policy's admins set; a set defined by a Slack user group cannot be checked from here). Audited. The
       bot must be stopped — while it runs, use /iam retry in Slack — and carries the request out, and
       sends its notices, when it starts.

Options:
  --state STATE  only requests in this state (${STATES.join(', ')}); repeatable
  --json         one JSON object per line instead of a table
  --actor ID     who retries (retry)
  --config FILE  the policy file (retry; default: $IAM_BOT_POLICY, then ./policy.yml)
  --data DIR     the data directory (default: $IAM_BOT_DATA_DIR, then ./data)
  --help         this text`;

export async function requests(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      state: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      data: { type: 'string' },
      actor: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...extra] = positionals;
  if (values.help || action === undefined) {
    io.out(requestsHelp);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (action === 'retry') return retry(extra, values, io);
  if (action !== 'list') throw new UsageError(`unknown requests action "${action}"; use list or retry`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const states = values.state?.map(parseState);
  const database = databaseOf(io.env);
  const all =
    database !== undefined
      ? await withDatabase(database, (store) => store.list())
      : (await readSnapshot(dataDirOf(values, io.env))).requests;
  const shown = states ? all.filter((r) => states.includes(r.status.state)) : all;
  if (values.json) {
    for (const request of shown) io.out(JSON.stringify(request));
  } else {
    io.out(['REF', 'STATE', 'KIND', 'ITEM', 'REQUESTER', 'CREATED'].join('\t'));
    for (const request of shown) io.out(row(request));
    io.out(`${shown.length} request${shown.length === 1 ? '' : 's'}`);
  }
  return EXIT.ok;
}

function parseState(text: string): State {
  const state = STATES.find((s) => s === text);
  if (!state) throw new UsageError(`--state must be one of ${STATES.join(', ')}, not "${text}"`);
  return state;
}

function row(request: Request): string {
  const op = request.operation;
  const kind =
    op.kind === 'group.add' && op.durationMs !== undefined ? `${op.kind} ${formatDuration(op.durationMs)}` : op.kind;
  return [
    request.ref,
    request.status.state,
    kind,
    request.itemId,
    request.requester,
    new Date(request.createdAt).toISOString(),
  ].join('\t');
}

async function retry(
  args: string[],
  values: { actor?: string | undefined; config?: string | undefined; data?: string | undefined },
  io: Io,
): Promise<number> {
  const [ref, ...extra] = args;
  if (!ref || extra.length > 0) throw new UsageError('retry takes one request, like REQ-0042');
  if (!values.actor) throw new UsageError('retry needs --actor, the Slack user id of the admin retrying');
  const config = await loadPolicy(values.config ?? io.env.IAM_BOT_POLICY ?? 'policy.yml', io.env, {
    missingEnv: 'warn',
  });
  const nobody: Directory = {
    managerOf: async () => undefined,
    emailOf: async () => undefined,
    standingOf: async () => 'member',
    usergroupMembers: async () => [],
  };
  const database = databaseOf(io.env);
  const services = await openServices({
    policy: config.policy,
    dataDir: dataDirOf(values, io.env),
    ...(database !== undefined ? { databaseUrl: database } : {}),
    providers: new Map(),
    notifier: { deliver: async () => ({ undelivered: [] }) },
    directory: nobody,
    log: createLogger({ level: 'warn' }),
    active: false,
  }).catch((error: unknown) => {
    if (error instanceof StoreOpenError && error.code === 'in_use') {
      throw new StoreOpenError(`${error.message} While the bot runs, retry from Slack: /iam retry ${ref}`);
    }
    throw error;
  });
  try {
    const request = await services.service.retry(values.actor, ref);
    io.out(`${request.ref} is ${request.status.state}: the bot carries it out when it starts.`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof WorkflowFailure)) throw error;
    io.err(`${ref}: ${error.error.message}`);
    return EXIT.failed;
  } finally {
    await services.close();
  }
}
