/**
 * A secret value (a credential, a new access key, an MFA seed). It cannot leak by accident: JSON,
 * string conversion and util.inspect all print `[redacted]`; only `reveal()` gives the value, and a
 * caller that reveals owns the consequences. Its value is also remembered by `scrub.ts`, which removes
 * it from any text bound for the store, the logs, the audit log or Slack.
 */
import { rememberSecret } from './scrub.ts';

const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    // Every secret the process holds is known to the scrubber, so an echo of it is caught anywhere.
    rememberSecret(value);
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}
