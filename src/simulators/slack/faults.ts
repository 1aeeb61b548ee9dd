/**
 * Injected Web API faults: the next N calls (of one method, or any) are rate limited (HTTP 429,
 * `Retry-After`, `{ok:false,error:"ratelimited"}`), fail with an HTTP 5xx, are delayed and then
 * served, or lose their connection.
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
