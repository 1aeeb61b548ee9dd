/**
 * Outscale EIM behind the Provider port. Principals are EIM users, found by name; groups are named.
 * Membership changes are made idempotent by reading back; key creation, which EIM cannot make
 * idempotent, is reconciled: after an answer that may hide a new key, the keys that were not there
 * before are deleted (their secrets are lost with the answer).
 */
import { Secret } from '../../domain/secret.ts';
import type { Logger } from '../../log.ts';
import {
  ProviderError,
  type CallResult,
  type Consistency,
  type CreatedKey,
  type CreatedKeys,
  type GroupMembership,
  type GroupRef,
  type KeyInfo,
  type PrincipalKind,
  type PrincipalRef,
  type Provider,
} from '../../workflow/ports.ts';
import { createdKeys } from '../capabilities.ts';
import { callResult } from '../answer.ts';
import type { OutscaleWireClient } from './wire-client.ts';
import type { EimKey, EimUser } from './schemas.ts';

/** EIM's access key quota per user (documented by Outscale, the same as AWS). */
export const EIM_ACCESS_KEYS_PER_USER = 2;

/** EIM has no API for MFA devices: the adapter has no `mfa`. */
export class OutscaleProvider implements Provider, GroupMembership {
  readonly type = 'outscale';
  readonly groups: GroupMembership = this;
  /** EIM keys can be deactivated (a way back) before they are deleted. */
  readonly keys: CreatedKeys = createdKeys(this);
  /**
   * EIM is AWS IAM compatible, and AWS documents IAM as eventually consistent (a change may take seconds to
   * show in reads: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency);
   * Outscale's EIM reference says nothing either way, so EIM is read back as AWS IAM would be
   * (docs/providers/outscale.md, Consistency).
   */
  readonly consistency: Consistency = {
    model: 'eventual',
    source:
      "AWS IAM compatible, and AWS IAM is eventually consistent; Outscale's EIM reference is silent (docs/providers/outscale.md)",
  };

  constructor(
    readonly id: string,
    private readonly eim: OutscaleWireClient,
    private readonly log: Logger,
  ) {}

  async listGroups(search = ''): Promise<GroupRef[]> {
    const needle = search.trim().toLowerCase();
    const groups: GroupRef[] = [];
    for await (const group of this.eim.listGroups()) {
      // EIM calls take group names, so the name is also the id a catalog item stores.
      if (group.GroupName.toLowerCase().includes(needle)) groups.push({ id: group.GroupName, name: group.GroupName });
    }
    return groups;
  }

  async resolvePrincipal(identity: string, as: PrincipalKind = 'user'): Promise<PrincipalRef> {
    // EIM has no lookup by anything but the exact name, and names are unique regardless of case: prefer
    // the exact name, accept a case-only difference.
    const lower = identity.toLowerCase();
    let caseless: PrincipalRef | undefined;
    for await (const user of this.eim.listUsers()) {
      if (user.UserName === identity) return principalOf(user);
      if (user.UserName.toLowerCase() === lower) caseless ??= principalOf(user);
    }
    if (caseless) return caseless;
    const what = as === 'service' ? 'service user' : 'user';
    const hint = identity.includes('@')
      ? ' EIM users have names, not email addresses: map the Slack user to an EIM user name in the policy identity map, or use the email-local-part rule.'
      : '';
    throw new ProviderError('not_found', `${this.id}: Outscale EIM has no ${what} named "${identity}".${hint}`);
  }

  async isMember(group: string, principal: PrincipalRef): Promise<boolean> {
    // The user's groups are usually one short page; a group's members may be many pages.
    for await (const joined of this.eim.groupsForUser(principal.name)) {
      if (joined.GroupName === group) return true;
    }
    return false;
  }

  /** GetGroup's pages of members, each named as `resolvePrincipal` names a user (EIM user id, user name). */
  async listMembers(group: string): Promise<PrincipalRef[]> {
    const members: PrincipalRef[] = [];
    for await (const user of this.eim.groupMembers(group)) members.push(principalOf(user));
    return members;
  }

  async addMember(group: string, principal: PrincipalRef): Promise<CallResult> {
    try {
      return callResult(await this.eim.addUserToGroup(group, principal.name));
    } catch (error) {
      // EIM answers success for an existing member, as AWS does; should it say EntityAlreadyExists, that is the same.
      if (error instanceof ProviderError && error.kind === 'already_member') return callResult(error);
      throw error;
    }
  }

  async removeMember(group: string, principal: PrincipalRef): Promise<CallResult> {
    try {
      return callResult(await this.eim.removeUserFromGroup(group, principal.name));
    } catch (error) {
      if (!(error instanceof ProviderError) || error.kind !== 'not_found') throw error;
      // NoSuchEntity names a missing user, a missing group, or a user who is not (or no longer, after a
      // resent call) in the group. Only the last is done; the first two throw not_found while reading back.
      if (await this.isMember(group, principal)) throw error;
      await this.eim.getGroup(group);
      return callResult(error);
    }
  }

  async listKeys(principal: PrincipalRef): Promise<KeyInfo[]> {
    const keys: KeyInfo[] = [];
    for await (const key of this.eim.listAccessKeys(principal.name)) keys.push(keyInfo(key));
    return keys;
  }

  async createKey(principal: PrincipalRef): Promise<CreatedKey> {
    const before = new Set((await this.listKeys(principal)).map((key) => key.id));
    return this.#createReconciled(principal, before, true);
  }

  async deactivateKey(principal: PrincipalRef, keyId: string): Promise<CallResult> {
    return callResult(await this.eim.updateAccessKey(principal.name, keyId, 'Inactive'));
  }

  async deleteKey(principal: PrincipalRef, keyId: string): Promise<CallResult> {
    try {
      return callResult(await this.eim.deleteAccessKey(principal.name, keyId));
    } catch (error) {
      if (!(error instanceof ProviderError) || error.kind !== 'not_found') throw error;
      // The key may be gone already (an earlier attempt whose answer was lost): done, if the user exists.
      if ((await this.listKeys(principal)).some((key) => key.id === keyId)) throw error;
      return callResult(error);
    }
  }

  async probe(): Promise<CallResult> {
    return callResult(await this.eim.probe());
  }

  close(): Promise<void> {
    return this.eim.close();
  }

  /**
   * Creates a key; when the answer may hide a created key (lost, or a server error), deletes the keys
   * that were not there `before`, and — for a lost answer only, once — creates again.
   */
  async #createReconciled(
    principal: PrincipalRef,
    before: ReadonlySet<string>,
    mayRetry: boolean,
  ): Promise<CreatedKey> {
    try {
      return await this.#create(principal);
    } catch (error) {
      if (!(error instanceof ProviderError) || error.kind !== 'unavailable') throw error;
      await this.#deleteOrphans(principal, before, error);
      if (!error.uncertain || !mayRetry) throw error;
      this.log.warn(
        { provider: this.id, user: principal.name },
        'access key creation lost its answer: creating the key once more',
      );
      return this.#createReconciled(principal, before, false);
    }
  }

  async #create(principal: PrincipalRef): Promise<CreatedKey> {
    try {
      const { result, requestId } = await this.eim.createAccessKey(principal.name);
      const created: CreatedKey = { key: keyInfo(result), secret: new Secret(result.SecretAccessKey) };
      return requestId === undefined ? created : { ...created, providerRequestId: requestId };
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'limit_exceeded') {
        throw new ProviderError(
          'limit_exceeded',
          `${this.id}: ${principal.name} already has ${EIM_ACCESS_KEYS_PER_USER} access keys, the most Outscale EIM allows per user (AccessKeysPerUser quota): delete one before creating another.`,
          callResult(error),
        );
      }
      throw error;
    }
  }

  /**
   * Deletes the keys that were not there `before`. When that cannot be done, whether the failed `cause`
   * left a key behind is unknown: the failure says so (`uncertain`) for the caller to reconcile.
   */
  async #deleteOrphans(principal: PrincipalRef, before: ReadonlySet<string>, cause: ProviderError): Promise<void> {
    try {
      for (const key of await this.listKeys(principal)) {
        if (before.has(key.id)) continue;
        await this.eim.deleteAccessKey(principal.name, key.id);
        this.log.warn(
          { provider: this.id, user: principal.name, keyId: key.id },
          'deleted an access key left by a creation call that did not return it: nobody can ever see its secret',
        );
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ProviderError(
        'unavailable',
        `${cause.message}; whether it left a new key behind is unknown, checking failed: ${reason}`,
        {
          ...callResult(cause),
          uncertain: true,
        },
      );
    }
  }
}

function principalOf(user: EimUser): PrincipalRef {
  return { id: user.UserId, name: user.UserName };
}

function keyInfo(key: EimKey): KeyInfo {
  const info: KeyInfo = { id: key.AccessKeyId, status: key.Status === 'Active' ? 'active' : 'inactive' };
  if (key.CreateDate) info.createdAt = key.CreateDate;
  return info;
}
