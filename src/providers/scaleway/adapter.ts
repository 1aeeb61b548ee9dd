/**
 * Scaleway IAM v1alpha1 behind the Provider port. Group membership, API key rotation (keys of users or
 * applications) and MFA reset. Membership changes are idempotent: adding a member twice and removing a
 * non-member both succeed.
 */
import type { Logger } from '../../log.ts';
import { createdKeys } from '../capabilities.ts';
import { callResult } from '../answer.ts';
import {
  ProviderError,
  type CallResult,
  type Consistency,
  type CreatedKey,
  type CreatedKeys,
  type GroupMembership,
  type GroupRef,
  type KeyInfo,
  type MfaReset,
  type PrincipalKind,
  type PrincipalRef,
  type Provider,
} from '../../workflow/ports.ts';
import { Directory } from './directory.ts';
import { toProviderError, type ScalewayFailure } from './errors.ts';
import { ApiKeys, keyInfo, type Bearer } from './keys.ts';
import { groupPageSchema, groupSchema, noContentSchema, userSchema } from './schemas.ts';
import { segment, type ScalewayWireClient } from './wire-client.ts';

export class ScalewayProvider implements Provider, GroupMembership, MfaReset {
  readonly type = 'scaleway';
  readonly groups: GroupMembership = this;
  /** Scaleway API keys cannot be disabled, only deleted: the old key is deleted once the new one is confirmed. */
  readonly keys: CreatedKeys = createdKeys(this);
  readonly mfa: MfaReset = this;
  /**
   * Recorded traffic (test/fixtures/scaleway-recorded/group-membership-basic.cassette.yaml): a GET of the group right
   * after `add-member` lists the new member, and a second `remove-member` right after the first answers
   * 404 `not_found`: the membership is already gone. (Keys and MFA were not recorded this way.)
   */
  readonly consistency: Consistency = {
    model: 'read-your-writes',
    source: 'test/fixtures/scaleway-recorded/group-membership-basic.cassette.yaml',
  };
  readonly #directory: Directory;
  readonly #keys: ApiKeys;

  constructor(
    readonly id: string,
    private readonly wire: ScalewayWireClient,
    private readonly log: Logger,
    ownAccessKey?: string,
  ) {
    this.#directory = new Directory(wire);
    this.#keys = new ApiKeys(wire, log, ownAccessKey);
  }

  async listGroups(search = ''): Promise<GroupRef[]> {
    // Filtered here rather than with Scaleway's `name` parameter, so a picker finds any part of a name.
    const wanted = search.trim().toLowerCase();
    const groups = await this.#directory.allGroups();
    return groups.filter((g) => g.name.toLowerCase().includes(wanted)).map((g) => ({ id: g.id, name: g.name }));
  }

  resolvePrincipal(identity: string, as: PrincipalKind = 'user'): Promise<PrincipalRef> {
    return as === 'service' ? this.#directory.application(identity) : this.#directory.user(identity);
  }

  async isMember(group: string, principal: PrincipalRef): Promise<boolean> {
    const { userIds, applicationIds } = await this.#directory.group(group);
    return userIds.includes(principal.id) || applicationIds.includes(principal.id);
  }

  listMembers(group: string): Promise<PrincipalRef[]> {
    return this.#directory.members(group);
  }

  addMember(group: string, principal: PrincipalRef): Promise<CallResult> {
    // [guess] No recording shows a second add of the same member; a 409 `already_exists`, the likely
    // answer, means the member is there, which is the goal (a 200 is success anyway).
    return this.#editGroup(
      'add-member',
      group,
      principal,
      (f) => f.status === 409 && f.error?.type === 'already_exists',
    );
  }

  removeMember(group: string, principal: PrincipalRef): Promise<CallResult> {
    // Removing a non-member answers 404 with an empty `resource` (a missing group or user names itself).
    return this.#editGroup(
      'remove-member',
      group,
      principal,
      (f) => f.error?.type === 'not_found' && f.error.resource === '',
    );
  }

  async listKeys(principal: PrincipalRef): Promise<KeyInfo[]> {
    const keys = await this.#keys.list(await this.#bearer(principal));
    return keys.map((key) => keyInfo(key));
  }

  async createKey(principal: PrincipalRef): Promise<CreatedKey> {
    return this.#keys.create(await this.#bearer(principal));
  }

  deleteKey(principal: PrincipalRef, keyId: string): Promise<CallResult> {
    return this.#keys.delete(principal, keyId);
  }

  /** Deletes the user's MFA OTP, so they enrol again at next login. A user without MFA is left as is. */
  async resetMfa(principal: PrincipalRef): Promise<CallResult> {
    if ((await this.#directory.kindOf(principal)) === 'application') {
      throw new ProviderError(
        'invalid_request',
        `${principal.name} is a Scaleway application: applications have no MFA`,
      );
    }
    const path = `/users/${segment(principal.id)}`;
    const user = await this.wire.call({ method: 'GET', path }, userSchema, `reading Scaleway user ${principal.name}`);
    if (!user.result.mfa) {
      this.log.info({ principal: principal.id }, 'MFA reset skipped: the user has no MFA enrolled');
      return callResult(user.requestId);
    }
    const what = `resetting the MFA of ${principal.name}`;
    const reset = await this.wire.attempt({ method: 'DELETE', path: `${path}/mfa-otp`, body: {} }, noContentSchema);
    if (reset.ok) return callResult(reset.requestId);
    // Someone reset it between the read and the delete: the OTP is gone, as wanted. A missing user names itself.
    if (reset.failure.error?.type === 'not_found' && reset.failure.error.resource !== 'user')
      return callResult(reset.failure.requestId);
    throw toProviderError(reset.failure, what);
  }

  /** The user's `mfa` flag, which `DELETE /users/{id}/mfa-otp` clears. */
  async mfaEnrolled(principal: PrincipalRef): Promise<boolean> {
    const user = await this.wire.call(
      { method: 'GET', path: `/users/${segment(principal.id)}` },
      userSchema,
      `reading Scaleway user ${principal.name}`,
    );
    return user.result.mfa;
  }

  async probe(): Promise<CallResult> {
    const query = { organization_id: this.wire.organizationId, page: 1, page_size: 1 };
    const { requestId } = await this.wire.call(
      { method: 'GET', path: '/groups', query },
      groupPageSchema,
      'probing Scaleway IAM',
    );
    return callResult(requestId);
  }

  close(): Promise<void> {
    return this.wire.close();
  }

  async #bearer(principal: PrincipalRef): Promise<Bearer> {
    return { kind: await this.#directory.kindOf(principal), principal };
  }

  async #editGroup(
    action: 'add-member' | 'remove-member',
    group: string,
    principal: PrincipalRef,
    alreadyDone: (failure: ScalewayFailure) => boolean,
  ): Promise<CallResult> {
    const kind = await this.#directory.kindOf(principal);
    const groupId = await this.#directory.groupId(group);
    const body = { [kind === 'user' ? 'user_id' : 'application_id']: principal.id };
    // Safe to resend: a repeated add or remove ends in the same membership, and is recognised as done.
    const call = { method: 'POST' as const, path: `/groups/${segment(groupId)}/${action}`, body, idempotent: true };
    const answer = await this.wire.attempt(call, groupSchema);
    if (answer.ok) return callResult(answer.requestId);
    if (alreadyDone(answer.failure)) return callResult(answer.failure.requestId);
    const verb = action === 'add-member' ? `adding ${principal.name} to` : `removing ${principal.name} from`;
    throw toProviderError(answer.failure, `${verb} Scaleway group ${group}`);
  }
}
