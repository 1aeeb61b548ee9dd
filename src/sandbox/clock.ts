/**
 * The sandbox's time: real time plus however far the viewer has fast-forwarded. The bot (its injected
 * Clock) and the Slack simulator read this one clock, so a reminder, an expiry or the end of a grant is
 * due, posted and stamped at the same moment for both.
 */
import type { Clock } from '../workflow/ports.ts';

export class SandboxClock implements Clock {
  #aheadMs = 0;

  now(): number {
    return Date.now() + this.#aheadMs;
  }

  /** How far ahead of real time the sandbox runs. */
  get aheadMs(): number {
    return this.#aheadMs;
  }

  advance(ms: number): void {
    this.#aheadMs += ms;
  }
}
