/**
 * Injected Web API faults: the next N calls (of one method, or any) are rate limited (HTTP 429,
 * `Retry-After`, `{ok:false,error:"ratelimited"}`), fail with an HTTP 5xx, are delayed and then
 * served, or lose their connection. Standing conditions last until changed: every call slow, and
 * every Nth call of each method rate limited — a busy day on Slack (docs/slack.md, "The ack path").
 */
export type SlackFault =
  | { kind: 'ratelimited'; retryAfterSeconds?: number }
  | { kind: 'status'; status: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' };

export interface FaultScope {
  /** How many calls meet the fault (default 1). */
  count?: number;
  /** Only calls to this Web API method (default: any). */
  method?: string;
}

interface Armed {
  fault: SlackFault;
  remaining: number;
  method?: string;
}

export class FaultInjector {
  readonly #armed: Armed[] = [];

  inject(fault: SlackFault, scope: FaultScope = {}): void {
    this.#armed.push({ fault, remaining: scope.count ?? 1, ...(scope.method ? { method: scope.method } : {}) });
  }

  clear(): void {
    this.#armed.length = 0;
  }

  /** The fault this call meets, in injection order, if any. */
  take(method: string): SlackFault | undefined {
    const armed = this.#armed.find((entry) => entry.method === undefined || entry.method === method);
    if (!armed) return undefined;
    armed.remaining--;
    if (armed.remaining <= 0) this.#armed.splice(this.#armed.indexOf(armed), 1);
    return armed.fault;
  }
}

export interface NetworkConditions {
  /** Every call waits this long before Slack handles it (so a trigger_id ages by it too). */
  latencyMs?: number;
  /** Every Nth call of each method answers 429 with `Retry-After` (the first of each method is served). */
  rateLimitEvery?: number;
  retryAfterSeconds?: number;
  /** Methods never rate limited by this condition. */
  spare?: readonly string[];
}

export class StandingConditions {
  #conditions: NetworkConditions = {};
  readonly #counts = new Map<string, number>();

  set(conditions: NetworkConditions): void {
    this.#conditions = conditions;
    this.#counts.clear();
  }

  get latencyMs(): number {
    return this.#conditions.latencyMs ?? 0;
  }

  /** Retry-After seconds when this call is one of the rate-limited ones. */
  rateLimit(method: string): number | undefined {
    const { rateLimitEvery, retryAfterSeconds, spare } = this.#conditions;
    if (!rateLimitEvery || spare?.includes(method)) return undefined;
    const count = (this.#counts.get(method) ?? 0) + 1;
    this.#counts.set(method, count);
    return count % rateLimitEvery === 0 ? (retryAfterSeconds ?? 1) : undefined;
  }
}
