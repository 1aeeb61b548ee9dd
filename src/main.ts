/** The command line: `iam-bot <command> …`. Returns an exit code; never prints a stack trace to a person. */
import { audit, auditHelp } from './cli/audit.ts';
import { check, checkHelp } from './cli/check.ts';
import { EXIT, UsageError, processIo, type Io } from './cli/io.ts';
import { requests, requestsHelp } from './cli/requests.ts';
import { sandbox, sandboxHelp } from './cli/sandbox.ts';
import { start, startHelp } from './cli/start.ts';
import { StoreOpenError } from './store/port.ts';
import { AuditLogError } from './audit/audit-log.ts';
import { PolicyError } from './config/problems.ts';

const commands: Record<string, { run: (args: string[], io: Io) => Promise<number>; help: string }> = {
  start: { run: start, help: startHelp },
  check: { run: check, help: checkHelp },
  audit: { run: audit, help: auditHelp },
  requests: { run: requests, help: requestsHelp },
  sandbox: { run: sandbox, help: sandboxHelp },
};

export const mainHelp = `iam-bot — IAM requests, approved in Slack, carried out on JCS, Cloudflare, Scaleway and Outscale.

Usage: iam-bot <command> [options]

Commands:
  start                 run the bot, for real (never the sandbox)
  sandbox               try the bot against local simulators, from a web page
  check --config FILE   validate a policy file
  audit verify|export   check or export the tamper-evident audit log
  requests list         list requests

Run iam-bot <command> --help for a command's options.`;

export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands[name];
  if (!command) {
    io.err(`iam-bot: unknown command "${name}"\n\n${mainHelp}`);
    return EXIT.usage;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`iam-bot ${name}: ${(error as Error).message}\n\n${command.help}`);
      return EXIT.usage;
    }
    if (error instanceof StoreOpenError || error instanceof AuditLogError || error instanceof PolicyError) {
      io.err(`iam-bot ${name}: ${error.message}`);
      return EXIT.failed;
    }
    io.err(`iam-bot ${name}: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
