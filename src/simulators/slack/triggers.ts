/**
 * trigger_ids: issued by the simulator with each interaction it sends (slash command, block action,
 * view submission), exchangeable once for a views.open/views.push within 3 s — Slack's rules, so an
 * app that opens its modal late, twice, or with a made-up id fails here as it would in Slack.
 */
import type { Clock } from './clock.ts';
import type { IdFactory } from './ids.ts';

export const TRIGGER_LIFETIME_MS = 3000;

export interface Trigger {
  id: string;
  /** The user whose interaction issued it: views open for them. */
  user: string;
  issuedAt: number;
  used: boolean;
}

export type Exchange =
  | { ok: true; trigger: Trigger }
  | { ok: false; error: 'invalid_trigger_id' | 'exchanged_trigger_id' | 'expired_trigger_id' };

export class TriggerRegistry {
  readonly #triggers = new Map<string, Trigger>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdFactory,
  ) {}

  issue(user: string): string {
    const trigger: Trigger = { id: this.ids.triggerId(), user, issuedAt: this.clock(), used: false };
    this.#triggers.set(trigger.id, trigger);
    return trigger.id;
  }

  /** Uses the trigger up, or says why it cannot be used. */
  exchange(id: string): Exchange {
    const trigger = this.#triggers.get(id);
    if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.used) return { ok: false, error: 'exchanged_trigger_id' };
    if (this.clock() - trigger.issuedAt >= TRIGGER_LIFETIME_MS) return { ok: false, error: 'expired_trigger_id' };
    trigger.used = true;
    return { ok: true, trigger };
  }
}
