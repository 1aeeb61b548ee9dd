/**
 * Delivers the store's notice outbox, in order, one notice at a time. A failed delivery is retried with
 * backoff (honouring the notifier's retry-after) until it succeeds: a slow or failing Slack delays
 * notices but loses none, and they keep their order. Only a delivery that can never succeed (a deleted
 * channel, a rejected message) is dropped, and that is logged.
 */
import { describeNotice } from '../domain/notice.ts';
import type { Logger } from '../log.ts';
import { backoffDelay, type BackoffPolicy } from '../providers/http/backoff.ts';
import type { Store } from '../store/port.ts';
import { DeliveryError, type Notifier } from './ports.ts';

export interface DispatcherOptions {
  /** False for a process that only records decisions (the CLI): notices wait for the running bot. */
  active?: boolean;
  backoff?: BackoffPolicy;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 60_000 };

export class Dispatcher {
  #running: Promise<void> | undefined;
  #stopping = false;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly store: Store,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    private readonly options: DispatcherOptions = {},
  ) {
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** Starts draining the outbox if it is not already being drained. */
  kick(): void {
    if (this.#running || this.#stopping || this.options.active === false) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      // A notice committed while the last one was being finished.
      if (this.store.pendingNotices().length > 0 && !this.#stopping) this.kick();
    });
  }

  /** Resolves when the outbox is empty (or the dispatcher stopped). */
  async settle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Finishes the delivery in progress, then stops; what is left stays in the outbox for the next start. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#running;
  }

  async #drain(): Promise<void> {
    let failures = 0;
    for (;;) {
      const notice = this.store.pendingNotices()[0];
      if (!notice || this.#stopping) return;
      try {
        await this.notifier.deliver(notice);
        failures = 0;
        await this.store.noticeDone(notice.id);
      } catch (error) {
        if (error instanceof DeliveryError && error.permanent) {
          this.log.error({ err: error, notice: describeNotice(notice) }, 'dropping a notice that can never be delivered');
          await this.store.noticeDone(notice.id);
          continue;
        }
        failures++;
        const retryAfter = error instanceof DeliveryError ? error.retryAfterMs : undefined;
        const delay = Math.max(retryAfter ?? 0, backoffDelay(failures, this.options.backoff ?? DEFAULT_BACKOFF));
        this.log.warn({ err: error, notice: describeNotice(notice), attempt: failures, delayMs: delay }, 'notice delivery failed; will retry');
        await this.#sleep(delay);
      }
    }
  }
}
