/**
 * Structured JSON logs (pino) to stderr, so stdout stays for command output. Secret-bearing fields are
 * removed by configuration wherever they appear; `Secret` values print as `[redacted]` on their own;
 * and every finished line is scrubbed of the values of all known secrets (a provider's echo in a message).
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { scrubText } from './domain/scrub.ts';
import { currentRequestRef } from './shared/log-context.ts';

export type { Logger };

const REDACTED_PATHS = [
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
      // Work done on behalf of a request names it on every line (see shared/log-context.ts).
      mixin: () => {
        const request = currentRequestRef();
        return request === undefined ? {} : { request };
      },
      base: { app: 'iam-bot' },
      hooks: { streamWrite: scrubText },
    },
    options.destination ?? pino.destination(2),
  );
}
