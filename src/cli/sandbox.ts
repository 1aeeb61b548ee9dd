/** `iam-bot sandbox`: the whole bot against local simulators, with a web page to drive it. Also what `npm start` runs when nothing is configured. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createLogger } from '../log.ts';
import { startSandbox } from '../sandbox/sandbox.ts';
import { EXIT, UsageError, type Io } from './io.ts';

export const sandboxHelp = `Usage: iam-bot sandbox [--policy FILE] [--port N]

Runs iam-bot against local simulators of Slack, JCS, Cloudflare, Scaleway and Outscale, with a web page
at http://localhost:PORT to act as a requester, a manager, a platform lead or an admin. Nothing leaves
this machine: the page and the bot listen on 127.0.0.1 only, and the bot's data lives in a fresh
temporary directory, removed at exit. \`npm start\` runs it when nothing is configured (no Slack
setting, no policy).

Options:
  --policy FILE  run this policy file instead of the demo one: its providers are pointed at the
                 simulators, and the groups, keys and people it names are created there
  --port N       the page's port (default $PORT, else 3000; 0 picks a free one)
  --help         this text`;

export async function sandbox(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { policy: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    io.out(sandboxHelp);
    return EXIT.ok;
  }
  const port = portOf(values.port ?? io.env.PORT ?? '3000');
  const policy =
    values.policy === undefined ? undefined : { file: values.policy, text: await readPolicy(values.policy) };
  return runSandbox(io, { port, ...(policy ? { policy } : {}) });
}

/** Starts the sandbox, prints where to open it, and runs until SIGINT or SIGTERM. */
async function runSandbox(io: Io, options: { port: number; policy?: { file: string; text: string } }): Promise<number> {
  // The page is the interface here; the bot's own log stays quiet unless asked for.
  const log = createLogger({ level: io.env.LOG_LEVEL ?? 'warn' });
  const running = await startSandbox({ log, ...options });
  io.out(`iam-bot sandbox: open ${running.url}`);
  io.out(
    '  Slack and the four providers are local simulators; be the requester, their manager, a platform lead or the admin.',
  );
  io.out('  Stop with Ctrl-C.');
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await running.close();
  io.out('iam-bot sandbox stopped.');
  return EXIT.ok;
}

function portOf(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new UsageError(`--port must be a port number (0-65535), not "${text}"`);
  return port;
}

async function readPolicy(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read the policy file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}
