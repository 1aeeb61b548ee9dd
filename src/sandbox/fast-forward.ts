/**
 * The sandbox's clock control: time jumps ahead, in steps, and at each step the bot does what time makes it
 * do (the same `tick` and sweep its timers run), so reminders, escalations, expiry warnings, the end of a
 * grant and the sweep happen one after another, in the order and at the moments they would.
 */
import type { RunningBot } from '../app.ts';
import { Serial } from '../shared/serial.ts';
import type { SandboxClock } from './clock.ts';

/** Fine enough for every deadline the bot keeps (warnings come minutes before an end), coarse enough to jump a week quickly. */
const STEP_MS = 60_000;
export const MAX_FAST_FORWARD_MS = 7 * 86_400_000;

export interface SweepRun {
  at: number;
  removed: number;
  unexplained: number;
}

export interface FastForwarded {
  now: number;
  aheadMs: number;
  sweeps: SweepRun[];
}

export class FastForward {
  readonly #serial = new Serial();
  #lastSweep: number;

  constructor(
    private readonly bot: RunningBot,
    private readonly clock: SandboxClock,
    private readonly sweepEveryMs: number,
  ) {
    this.#lastSweep = clock.now();
  }

  /** Moves time `ms` ahead; answers once the bot has finished everything that fell due (one jump at a time). */
  by(ms: number): Promise<FastForwarded> {
    return this.#serial.run(async () => {
      const sweeps: SweepRun[] = [];
      for (let left = ms; left > 0; left -= STEP_MS) {
        this.clock.advance(Math.min(STEP_MS, left));
        await this.bot.services.service.tick();
        await this.bot.services.reviews.tick();
        if (this.clock.now() - this.#lastSweep >= this.sweepEveryMs) {
          this.#lastSweep = this.clock.now();
          // The revokes that fell due in this step finish first: the sweep then sees what they left.
          await this.bot.idle();
          sweeps.push({ at: this.#lastSweep, ...(await this.bot.services.sweeper.run()) });
        }
        await this.bot.idle();
      }
      return { now: this.clock.now(), aheadMs: this.clock.aheadMs, sweeps };
    });
  }
}
