/**
 * Structured JSON logs (pino) to stderr, so stdout stays for command output. Secret-bearing fields are
 * removed by configuration wherever they appear; `Secret` values print as `[redacted]` on their own.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const REDACTED_PATHS = [
  'token',
  'secret',
  'secretKey',
  'accessKey',
  'password',
  'authorization',
  'signingSecret',
  'botToken',
  'appToken',
  '*.token',
  '*.secret',
  '*.secretKey',
  '*.accessKey',
  '*.password',
  '*.authorization',
  '*.signingSecret',
  '*.botToken',
  '*.appToken',
  'headers.authorization',
  'headers["x-auth-token"]',
  'req.headers.authorization',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACTED_PATHS, remove: true },
      base: { app: 'iam-bot' },
    },
    options.destination ?? pino.destination(2),
  );
}
