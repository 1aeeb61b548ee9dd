/**
 * API keys of a user or an application: listing, creation that never leaves an unknown key behind,
 * and deletion. Scaleway API keys cannot be disabled, only deleted.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log.ts';
import { Secret } from '../../domain/secret.ts';
import { callResult } from '../answer.ts';
import {
  ProviderError,
  type CallResult,
  type CreatedKey,
  type KeyInfo,
  type PrincipalRef,
} from '../../workflow/ports.ts';
import type { BearerKind } from './directory.ts';
import { toProviderError } from './errors.ts';
import {
  apiKeyPageSchema,
  apiKeySchema,
  createdApiKeySchema,
  noContentSchema,
  type ScalewayApiKey,
} from './schemas.ts';
import { segment, type ScalewayWireClient } from './wire-client.ts';

export interface Bearer {
  kind: BearerKind;
  principal: PrincipalRef;
}

/** What iam-bot writes in the description of the keys it creates; a fresh marker follows it. */
const KEY_DESCRIPTION_PREFIX = 'iam-bot rotation';

export class ApiKeys {
  constructor(
    private readonly wire: ScalewayWireClient,
    private readonly log: Logger,
    /** The access key iam-bot authenticates with, when configured. */
    private readonly ownAccessKey: string | undefined,
  ) {}

  async list({ kind, principal }: Bearer): Promise<ScalewayApiKey[]> {
    const keys: ScalewayApiKey[] = [];
    const query = { bearer_id: principal.id, bearer_type: kind };
    for await (const key of this.wire.list(
      '/api-keys',
      query,
      apiKeyPageSchema,
      `listing the API keys of ${principal.name}`,
    ))
      keys.push(key);
    return keys;
  }

  /**
   * Creates a key, sent once (`idempotent: false`). When the answer is lost, the keys the call may have
   * created carry this call's marker in their description: they are deleted (their secret is lost
   * with the answer) and the key is created once more. A second lost answer is cleaned up the same
   * way and then reported.
   */
  async create(bearer: Bearer): Promise<CreatedKey> {
    const description = `${KEY_DESCRIPTION_PREFIX} ${randomUUID()}`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#createOnce(bearer, description);
      } catch (error) {
        if (!(error instanceof ProviderError) || !error.uncertain) throw error;
        const removed = await this.#deleteOrphans(bearer, description, error);
        if (attempt >= 2) {
          throw new ProviderError(
            'unavailable',
            `creating an API key for ${bearer.principal.name}: the answer was lost twice (${removed} unusable key(s) deleted); try again later`,
          );
        }
        this.log.warn(
          { principal: bearer.principal.id, deletedKeys: removed },
          'the answer to an API key creation was lost; creating the key once more',
        );
      }
    }
  }

  async #createOnce({ kind, principal }: Bearer, description: string): Promise<CreatedKey> {
    const what = `creating an API key for ${principal.name}`;
    const body = { [kind === 'user' ? 'user_id' : 'application_id']: principal.id, description };
    const result = await this.wire.attempt(
      { method: 'POST', path: '/api-keys', body, idempotent: false },
      createdApiKeySchema,
    );
    if (result.ok) {
      const created: CreatedKey = { key: keyInfo(result.result.key), secret: new Secret(result.result.secretKey) };
      if (result.requestId) created.providerRequestId = result.requestId;
      return created;
    }
    const { failure } = result;
    if (failure.status >= 500) {
      // A gateway error can come after the key was made: as uncertain as a lost answer.
      throw new ProviderError('unavailable', `${what}: Scaleway answered HTTP ${failure.status}`, {
        uncertain: true,
        ...callResult(failure.requestId),
      });
    }
    const error = toProviderError(failure, what);
    if (error.kind !== 'forbidden' || kind !== 'user') throw error;
    // The most likely cause, which the error body does not say.
    const hint = 'Scaleway lets an API key create keys only for its own user or for applications';
    throw new ProviderError('forbidden', `${error.message} (${hint})`, callResult(error.providerRequestId));
  }

  /** Deletes the keys carrying this call's marker; if that fails, the caller learns a key may remain. */
  async #deleteOrphans(bearer: Bearer, description: string, lost: ProviderError): Promise<number> {
    try {
      const orphans = (await this.list(bearer)).filter((key) => key.description === description);
      for (const orphan of orphans) {
        await this.#deleteById(orphan.accessKey, bearer.principal);
        this.log.warn(
          { principal: bearer.principal.id, keyId: orphan.accessKey },
          'deleted an API key whose creation answer was lost (its secret is unknown)',
        );
      }
      return orphans.length;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new ProviderError(
        'unavailable',
        `${lost.message}; checking for a key it may have created failed too (${why}): look for a key described "${description}"`,
        {
          uncertain: true,
        },
      );
    }
  }

  /** Deletes a key of this principal; a key already gone counts as deleted. */
  async delete(principal: PrincipalRef, keyId: string): Promise<CallResult> {
    if (keyId === this.ownAccessKey) {
      throw new ProviderError(
        'invalid_request',
        `API key ${keyId} is the one iam-bot authenticates with: deleting it would lock the bot out`,
      );
    }
    const found = await this.wire.attempt({ method: 'GET', path: `/api-keys/${segment(keyId)}` }, apiKeySchema);
    if (!found.ok) {
      if (found.failure.error?.type === 'not_found') return callResult(found.failure.requestId);
      throw toProviderError(found.failure, `reading API key ${keyId}`);
    }
    // Never delete a key of someone else, whatever id the caller passed.
    if (found.result.bearer.id !== principal.id) {
      throw new ProviderError(
        'invalid_request',
        `API key ${keyId} does not belong to ${principal.name}`,
        callResult(found.requestId),
      );
    }
    return this.#deleteById(keyId, principal);
  }

  async #deleteById(keyId: string, principal: PrincipalRef): Promise<CallResult> {
    const result = await this.wire.attempt({ method: 'DELETE', path: `/api-keys/${segment(keyId)}` }, noContentSchema);
    if (result.ok) return callResult(result.requestId);
    if (result.failure.error?.type === 'not_found') return callResult(result.failure.requestId);
    throw toProviderError(result.failure, `deleting API key ${keyId} of ${principal.name}`);
  }
}

/** Scaleway keys are never disabled; an expired key no longer works, so it reads as inactive. */
export function keyInfo(key: ScalewayApiKey, now: number = Date.now()): KeyInfo {
  const expired = key.expiresAt !== undefined && Date.parse(key.expiresAt) <= now;
  const info: KeyInfo = { id: key.accessKey, status: expired ? 'inactive' : 'active' };
  if (key.createdAt) info.createdAt = key.createdAt;
  return info;
}
