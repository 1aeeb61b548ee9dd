/**
 * Who hears about retries: the HTTP layer retries deep below the provider operation that asked for the
 * call, so the operation's caller (the metrics' wrapper around every adapter) listens through an async
 * context instead of every adapter passing a callback down to its client.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<() => void>();

/** Runs `work`; each retry the HTTP layer makes on its behalf calls `onRetry`. */
export function observeRetries<T>(onRetry: () => void, work: () => Promise<T>): Promise<T> {
  return current.run(onRetry, work);
}

/** The HTTP layer is about to send a request again. */
export function noteRetry(): void {
  current.getStore()?.();
}
