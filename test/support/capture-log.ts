/** Captures what is written to a stream (typically pino's JSON lines) as text, for assertions. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.ts';

export interface Captured {
  /** A stream that keeps everything written to it. */
  destination: Writable;
  /** Everything written so far. */
  text(): string;
}

export function captureOutput(): Captured {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { destination, text: () => text };
}

/** A logger (debug level unless told) writing into a capture. */
export function captureLog(level = 'debug'): { log: Logger; text(): string } {
  const { destination, text } = captureOutput();
  return { log: createLogger({ level, destination }), text };
}
