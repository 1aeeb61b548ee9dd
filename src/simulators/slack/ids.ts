/**
 * Identifiers in Slack's shapes. Object ids are sequential (readable, stable test output); anything
 * Slack treats as a bearer secret (trigger ids, response URLs, socket tickets) is random, so a test
 * cannot pass by guessing one.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Clock } from './clock.ts';

const BLOCK_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export class IdFactory {
  readonly #counters = new Map<string, number>();
  #lastTsMicros = 0;

  constructor(private readonly clock: Clock) {}

  /** `prefix` + 10 upper-case characters, like Slack's channel (C/D/G) and view (V) ids. */
  next(prefix: 'C' | 'D' | 'G' | 'V'): string {
    const n = (this.#counters.get(prefix) ?? 0) + 1;
    this.#counters.set(prefix, n);
    return `${prefix}SIM${n.toString(36).toUpperCase().padStart(7, '0')}`;
  }

  /**
   * A message timestamp, "seconds.micros". Slack's are unique per channel and double as message ids;
   * these are unique and increasing across the workspace, even when the injected clock stands still.
   */
  ts(): string {
    const micros = Math.max(Math.floor(this.clock() * 1000), this.#lastTsMicros + 1);
    this.#lastTsMicros = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /** Shaped like Slack's "13345224609.738474920.8088930838d88f008e0". */
  triggerId(): string {
    return `${Math.floor(this.clock() / 1000)}.${randomInt(100_000_000, 999_999_999)}.${randomBytes(16).toString('hex')}`;
  }

  /** A view hash, "seconds.hex" like Slack's "156772938.1827394". */
  viewHash(): string {
    return `${Math.floor(this.clock() / 1000)}.${randomBytes(4).toString('hex')}`;
  }

  /** Slack fills a missing block_id with a short random one (e.g. "2WGp9"). */
  blockId(): string {
    let id = '';
    for (let i = 0; i < 5; i++) id += BLOCK_ID_ALPHABET[randomInt(BLOCK_ID_ALPHABET.length)];
    return id;
  }

  secret(): string {
    return randomBytes(18).toString('base64url');
  }

  uuid(): string {
    return randomUUID();
  }
}
