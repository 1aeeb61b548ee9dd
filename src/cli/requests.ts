import { parseArgs } from 'node:util';
import { formatDuration } from '../domain/duration.ts';
import { STATES, type Request, type State } from '../domain/request.ts';
import { readSnapshot } from '../store/snapshot.ts';
import { EXIT, UsageError, dataDirOf, type Io } from './io.ts';

export const requestsHelp = `Usage: iam-bot requests list [--state STATE] [--json] [--data DIR]

Lists requests, oldest first. Reads the data directory without locking it, so it works while the bot runs.

Options:
  --state STATE  only requests in this state (${STATES.join(', ')}); repeatable
  --json         one JSON object per line instead of a table
  --data DIR     the data directory (default: $IAM_BOT_DATA_DIR, then ./data)
  --help         this text`;

export async function requests(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { state: { type: 'string', multiple: true }, json: { type: 'boolean' }, data: { type: 'string' }, help: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [action, ...extra] = positionals;
  if (values.help || action === undefined) {
    io.out(requestsHelp);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (action !== 'list') throw new UsageError(`unknown requests action "${action}"; use list`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const states = values.state?.map(parseState);
  const { requests: all } = await readSnapshot(dataDirOf(values, io.env));
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
  const kind = op.kind === 'group.add' && op.durationMs !== undefined ? `${op.kind} ${formatDuration(op.durationMs)}` : op.kind;
  return [request.ref, request.status.state, kind, request.itemId, request.requester, new Date(request.createdAt).toISOString()].join('\t');
}
