/** What every provider adapter is built with, besides its settings. */
import type { Logger } from '../log.ts';
import type { BackoffPolicy } from '../shared/backoff.ts';

export interface ProviderDeps {
  log: Logger;
  /** Tests shorten retry waits; production leaves both unset. */
  sleep?: (ms: number) => Promise<void>;
  backoff?: BackoffPolicy;
}
