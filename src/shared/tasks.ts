/**
 * Work started after a Slack acknowledgement. Slack wants an answer within 3 seconds, so handlers ack
 * first and continue here; `settle()` lets tests and shutdown wait for the work in flight.
 */
import type { Logger } from '../log.ts';

export class Tasks {
  readonly #running = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  /** Starts `work` on the next turn of the event loop, so the caller's answer to Slack leaves first. */
  run(name: string, work: () => Promise<unknown>): void {
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .then(() => undefined)
      .catch((error: unknown) => this.log.error({ err: error, task: name }, 'background task failed'))
      .finally(() => this.#running.delete(task));
    this.#running.add(task);
  }

  get busy(): boolean {
    return this.#running.size > 0;
  }

  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}
