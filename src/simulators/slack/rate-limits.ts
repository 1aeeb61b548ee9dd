/**
 * Slack's per-method rate limits, enforced unless the simulator is started with `rateLimits: false`.
 * Tiers per docs/slack.md and Slack's method pages (https://api.slack.com/docs/rate-limits): Tier 1 ≈
 * 1/min ("a small amount of burst behavior is tolerated": [guess] 3 at once), Tier 2 ≈ 20/min,
 * Tier 3 ≈ 50/min, Tier 4 ≈ 100/min, each allowing bursts up to the minute's budget;
 * chat.postMessage ≈ 1/s per channel with short bursts. Token buckets on the simulator clock; a
 * refused call learns how many whole seconds until it would pass (the `Retry-After` Slack sends).
 */
import type { Clock } from './clock.ts';

const PER_MINUTE: Record<string, number> = {
  'apps.connections.open': 1,
  'usergroups.users.list': 20,
  'chat.update': 50,
  'conversations.open': 50,
  'conversations.join': 50,
  'conversations.info': 50,
  // Tier 3 for internal apps; 1/min for apps distributed outside the Marketplace since 2025-05-29
  // (https://docs.slack.dev/reference/methods/conversations.replies).
  'conversations.history': 50,
  'conversations.replies': 50,
  'users.lookupByEmail': 50,
  'chat.postEphemeral': 100,
  'views.open': 100,
  'views.update': 100,
  'views.push': 100,
  'views.publish': 100,
  'users.info': 100,
  'users.profile.get': 100,
};

export interface RateLimitOptions {
  /** chat.postMessage messages a channel takes at once before the 1/s pace applies ([guess]: 3). */
  postMessageBurst?: number;
}

/** [guess] How many calls a Tier 1 method takes at once. */
const MIN_BURST = 3;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #postMessageBurst: number;

  constructor(
    private readonly clock: Clock,
    options: RateLimitOptions = {},
  ) {
    this.#postMessageBurst = options.postMessageBurst ?? 3;
  }

  /** Takes a token for this call; returns Retry-After seconds when there is none. */
  take(method: string, channel: string | undefined): number | undefined {
    const rule = this.#rule(method, channel);
    if (!rule) return undefined;
    const now = this.clock();
    const bucket = this.#buckets.get(rule.key) ?? { tokens: rule.capacity, updatedAt: now };
    bucket.tokens = Math.min(rule.capacity, bucket.tokens + (now - bucket.updatedAt) * rule.perMs);
    bucket.updatedAt = now;
    this.#buckets.set(rule.key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rule.perMs / 1000));
  }

  #rule(method: string, channel: string | undefined): { key: string; capacity: number; perMs: number } | undefined {
    if (method === 'chat.postMessage') {
      return { key: `${method}:${channel ?? ''}`, capacity: this.#postMessageBurst, perMs: 1 / 1000 };
    }
    const perMinute = PER_MINUTE[method];
    return perMinute === undefined
      ? undefined
      : { key: method, capacity: Math.max(perMinute, MIN_BURST), perMs: perMinute / 60_000 };
  }
}
