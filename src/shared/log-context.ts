/**
 * The request a piece of work is about, carried through its async calls so every log line written on
 * its behalf (the executor, the provider calls, the HTTP layer below them) names the request's ref
 * without each caller passing it down.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

export function withRequestRef<T>(ref: string, work: () => T): T {
  return current.run(ref, work);
}

export function currentRequestRef(): string | undefined {
  return current.getStore();
}
