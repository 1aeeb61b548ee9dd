/** The command line: `iam-bot <command> …`. Returns an exit code; never prints a stack trace to a person. */
import { EXIT, processIo, type Io } from './cli/io.ts';

interface Command {
  run: (args: string[], io: Io) => Promise<number>;
  help: string;
}

// Each command is loaded only when it runs: `--help` stays fast and `start` never loads the sandbox's simulators.
const commands: Record<string, () => Promise<Command>> = {
  start: () => import('./cli/start.ts').then((m) => ({ run: m.start, help: m.startHelp })),
  check: () => import('./cli/check.ts').then((m) => ({ run: m.check, help: m.checkHelp })),
  audit: () => import('./cli/audit.ts').then((m) => ({ run: m.audit, help: m.auditHelp })),
  requests: () => import('./cli/requests.ts').then((m) => ({ run: m.requests, help: m.requestsHelp })),
  sandbox: () => import('./cli/sandbox.ts').then((m) => ({ run: m.sandbox, help: m.sandboxHelp })),
  db: () => import('./cli/db.ts').then((m) => ({ run: m.db, help: m.dbHelp })),
  store: () => import('./cli/store.ts').then((m) => ({ run: m.store, help: m.storeHelp })),
  review: () => import('./cli/review.ts').then((m) => ({ run: m.review, help: m.reviewHelp })),
};

const mainHelp = `iam-bot — IAM requests, approved in Slack, carried out on JCS, Cloudflare, Scaleway and Outscale.

Usage: iam-bot <command> [options]

Commands:
  start                 run the bot, for real (never the sandbox)
  sandbox               try the bot against local simulators, from a web page
  check --config FILE   validate a policy file
  audit verify|export   check or export the tamper-evident audit log
  requests list         list requests
  db migrate            bring the PostgreSQL schema (DATABASE_URL) up to this release
  store copy --to URL   move the embedded store into an empty PostgreSQL database
  review start|report   ask for an access review of a group; report what it decided

Run iam-bot <command> --help for a command's options.`;

export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    io.err(`iam-bot: unknown command "${name}"\n\n${mainHelp}`);
    return EXIT.usage;
  }
  const command = await load();
  try {
    return await command.run(args, io);
  } catch (error) {
    // Loaded only now (--help never needs it): the exit code comes from the error's code, by cli/failure.ts's table.
    const { reportFailure } = await import('./cli/failure.ts');
    return reportFailure(`iam-bot ${name}`, command.help, error, io);
  }
}
