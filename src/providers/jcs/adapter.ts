/** The JCS adapter to the Provider port: each operation delegates to the module that knows its wire steps. */
import type { JcsSettings } from './settings.ts';
import type { Logger } from '../../log.ts';
import type {
  CallResult,
  Consistency,
  CreatedKey,
  CreatedKeys,
  GroupMembership,
  GroupRef,
  KeyInfo,
  MfaReset,
  PrincipalKind,
  PrincipalRef,
  Provider,
} from '../../workflow/ports.ts';
import { createKey, deleteKey, listKeys } from './keys.ts';
import { addMember, isMember, listMembers, removeMember } from './membership.ts';
import { mfaEnrolled, resetMfa } from './mfa.ts';
import { resolvePrincipal } from './principals.ts';
import { listGroupsSchema } from './schemas.ts';
import { createdKeys } from '../capabilities.ts';
import { callResult } from '../answer.ts';
import type { JcsWireClient } from './wire-client.ts';

export class JcsProvider implements Provider, GroupMembership, MfaReset {
  readonly type = 'jcs';
  readonly groups: GroupMembership = this;
  /** JCS access keys have no status: they cannot be deactivated, only deleted. */
  readonly keys: CreatedKeys = createdKeys(this);
  readonly mfa: MfaReset = this;
  /**
   * The server is a Keystone fork (docs/providers/jcs.md), but nothing JCS publishes (its IAM SDK docs)
   * says when a change shows in reads, and no traffic was recorded.
   */
  readonly consistency: Consistency = {
    model: 'unknown',
    source: "not stated in JCS's IAM SDK docs (docs/providers/jcs.md)",
  };
  readonly id: string;
  readonly #mfaDeviceName: string;

  constructor(
    settings: Pick<JcsSettings, 'id' | 'mfaDeviceName'>,
    private readonly jcs: JcsWireClient,
    private readonly log: Logger,
  ) {
    this.id = settings.id;
    this.#mfaDeviceName = settings.mfaDeviceName;
  }

  /**
   * ListGroups returns every group (no pagination, no name filter), matched here case-insensitively. JCS
   * addresses groups by name, so a group's `id` is its name: the value membership calls take.
   */
  async listGroups(search = ''): Promise<GroupRef[]> {
    const { groups } = (await this.jcs.read('ListGroups', {}, listGroupsSchema)).result;
    const wanted = search.toLowerCase();
    return groups
      .filter((group) => group.name.toLowerCase().includes(wanted))
      .map((group) => ({ id: group.name, name: group.name }));
  }

  resolvePrincipal(identity: string, as?: PrincipalKind): Promise<PrincipalRef> {
    return resolvePrincipal(this.jcs, identity, as);
  }

  isMember(group: string, principal: PrincipalRef): Promise<boolean> {
    return isMember(this.jcs, group, principal);
  }

  listMembers(group: string): Promise<PrincipalRef[]> {
    return listMembers(this.jcs, group);
  }

  addMember(group: string, principal: PrincipalRef): Promise<CallResult> {
    return addMember(this.jcs, group, principal);
  }

  removeMember(group: string, principal: PrincipalRef): Promise<CallResult> {
    return removeMember(this.jcs, group, principal);
  }

  listKeys(principal: PrincipalRef): Promise<KeyInfo[]> {
    return listKeys(this.jcs, principal);
  }

  createKey(principal: PrincipalRef): Promise<CreatedKey> {
    return createKey(this.jcs, this.log.child({ provider: this.id }), principal);
  }

  deleteKey(principal: PrincipalRef, keyId: string): Promise<CallResult> {
    return deleteKey(this.jcs, principal, keyId);
  }

  resetMfa(principal: PrincipalRef): Promise<CallResult> {
    return resetMfa(this.jcs, principal, this.#mfaDeviceName);
  }

  mfaEnrolled(principal: PrincipalRef): Promise<boolean> {
    return mfaEnrolled(this.jcs, principal, this.#mfaDeviceName);
  }

  /** ListGroups: read-only, signed, and usually the smallest list the account has. */
  async probe(): Promise<CallResult> {
    return callResult(await this.jcs.read('ListGroups', {}, listGroupsSchema));
  }

  close(): Promise<void> {
    return this.jcs.close();
  }
}
