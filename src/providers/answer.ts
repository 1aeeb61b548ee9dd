/**
 * What every provider's wire client hands back for a call that worked, and what such a call leaves for
 * the audit trail: one shape for all providers, so adapters read answers alike.
 */
import { ProviderError, type CallResult } from '../workflow/ports.ts';

export interface Answer<T> {
  result: T;
  /** The provider's id for the request, which its support asks for. */
  requestId: string | undefined;
}

/**
 * The request id of an answer, of an accepted refusal (a ProviderError that means the wanted state
 * holds), or as given, in the form the port reports it.
 */
export function callResult(
  source: Pick<Answer<unknown>, 'requestId'> | ProviderError | string | undefined,
): CallResult {
  const id =
    source instanceof ProviderError ? source.providerRequestId : typeof source === 'object' ? source.requestId : source;
  return id ? { providerRequestId: id } : {};
}
