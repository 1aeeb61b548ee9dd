/**
 * Cloudflare IAM behind the Provider port.
 *
 * - People are account members (`/accounts/{a}/members`), found by `user.email`; a user group holds
 *   membership ids, not user ids.
 * - Groups are named by their user group id.
 * - "Keys" are account-owned API tokens: the catalog item names the token, `listKeys` shows it and
 *   `createKey` rolls it (same id, new value; key style `roll`). A roll kills the old value at once, so
 *   there is no old key left to deactivate or delete, and the adapter has no call for either.
 * - MFA reset does not exist in Cloudflare's API: the adapter has no `mfa`.
 */
import type { CloudflareSettings } from './settings.ts';
import { Secret } from '../../domain/secret.ts';
import type { Logger } from '../../log.ts';
import type { ProviderDeps } from '../deps.ts';
import {
  ProviderError,
  type CallResult,
  type Consistency,
  type CreatedKey,
  type GroupMembership,
  type GroupRef,
  type KeyInfo,
  type PrincipalKind,
  type PrincipalRef,
  type Provider,
  type RolledKeys,
} from '../../workflow/ports.ts';
import { rolledKeys } from '../capabilities.ts';
import { callResult, type Answer } from '../answer.ts';
import { CloudflareWireClient } from './wire-client.ts';
import {
  accountMemberSchema,
  groupMemberRefSchema,
  groupMemberSchema,
  rolledValueSchema,
  tokenSchema,
  userGroupSchema,
  type TokenInfo,
} from './schemas.ts';

/** Cloudflare ids are 32 lower-case hex digits. */
const CLOUDFLARE_ID = /^[0-9a-f]{32}$/;

export class CloudflareProvider implements Provider, GroupMembership {
  readonly type = 'cloudflare';
  readonly groups: GroupMembership = this;
  readonly keys: RolledKeys = rolledKeys(this);
  /** Cloudflare's IAM docs do not say when a change shows in reads (docs/providers/cloudflare.md, Consistency). */
  readonly consistency: Consistency = {
    model: 'unknown',
    source: "not stated in Cloudflare's IAM docs (docs/providers/cloudflare.md)",
  };
  readonly id: string;
  readonly #api: CloudflareWireClient;
  readonly #log: Logger;

  constructor(settings: CloudflareSettings, deps: ProviderDeps) {
    this.id = settings.id;
    this.#api = new CloudflareWireClient(settings, deps);
    this.#log = deps.log;
  }

  async listGroups(search = ''): Promise<GroupRef[]> {
    const query: Record<string, string> = search ? { fuzzyName: search } : {};
    const groups: GroupRef[] = [];
    for await (const group of this.#api.list(
      'userGroups',
      this.#api.path('iam', 'user_groups'),
      query,
      userGroupSchema,
      'list user groups',
    ))
      groups.push(group);
    return groups;
  }

  resolvePrincipal(identity: string, as: PrincipalKind = 'user'): Promise<PrincipalRef> {
    return as === 'service' ? this.#resolveToken(identity) : this.#resolveMember(identity);
  }

  async isMember(group: string, principal: PrincipalRef): Promise<boolean> {
    for await (const member of this.#groupMembers(group)) if (member.id === principal.id) return true;
    return false;
  }

  /** Every page of the user group's members; an unknown group answers 404 (not_found). */
  async listMembers(group: string): Promise<PrincipalRef[]> {
    const members: PrincipalRef[] = [];
    for await (const member of this.#groupMembers(group)) members.push(member);
    return members;
  }

  async addMember(group: string, principal: PrincipalRef): Promise<CallResult> {
    try {
      // Safe to send again: a second add of the same member is refused as a duplicate, read back below.
      const answer = await this.#api.call(
        {
          method: 'POST',
          path: this.#membersPath(group),
          body: [{ id: principal.id }],
          idempotent: true,
          action: `add ${principal.name} to user group ${group}`,
        },
        groupMemberSchema.array(),
      );
      return callResult(answer);
    } catch (error) {
      // Cloudflare's answer to a duplicate is not documented; the membership read back decides.
      if (isKind(error, 'invalid_request') && (await this.isMember(group, principal))) return callResult(error);
      throw error;
    }
  }

  async removeMember(group: string, principal: PrincipalRef): Promise<CallResult> {
    try {
      const answer = await this.#api.call(
        {
          method: 'DELETE',
          path: `${this.#membersPath(group)}${this.#api.path(principal.id)}`,
          idempotent: true,
          action: `remove ${principal.name} from user group ${group}`,
        },
        groupMemberSchema,
      );
      return callResult(answer);
    } catch (error) {
      // A 404 means either "not a member" (done) or "no such group": the group itself tells which.
      if (!isKind(error, 'not_found')) throw error;
      await this.#api.call(
        {
          method: 'GET',
          path: this.#api.path('iam', 'user_groups', group),
          idempotent: true,
          action: `read user group ${group}`,
        },
        userGroupSchema,
      );
      return callResult(error);
    }
  }

  async listKeys(principal: PrincipalRef): Promise<KeyInfo[]> {
    const answer = await this.#readToken(principal.id, `read API token ${principal.name}`).catch((error: unknown) =>
      this.#notAToken(principal, error),
    );
    return [answer.result.key];
  }

  async createKey(principal: PrincipalRef): Promise<CreatedKey> {
    const answer = await this.#roll(principal).catch((error: unknown) => {
      if (!(error instanceof ProviderError && error.uncertain)) return this.#rollFailed(principal, error);
      // A roll is not idempotent in effect, yet rolling again is the recovery: if the lost roll happened,
      // the old value is already dead and the new one was in the lost answer, which no listing can show
      // again (values appear once); no extra key exists that could be left orphaned. If it did not
      // happen, this roll is simply the first.
      this.#log.warn(
        { provider: this.id, tokenId: principal.id, tokenName: principal.name },
        'Cloudflare token roll answer was lost; rolling the token again',
      );
      return this.#roll(principal).catch((again: unknown) => this.#rollFailed(principal, again, true));
    });
    const created: CreatedKey = { key: { id: principal.id, status: 'active' }, secret: new Secret(answer.result) };
    if (answer.requestId) created.providerRequestId = answer.requestId;
    return created;
  }

  async probe(): Promise<CallResult> {
    const answer = await this.#api.call(
      {
        method: 'GET',
        path: this.#api.path('iam', 'user_groups'),
        query: { page: 1, per_page: 5 },
        idempotent: true,
        action: 'list user groups',
      },
      userGroupSchema.array(),
    );
    return callResult(answer);
  }

  close(): Promise<void> {
    return this.#api.close();
  }

  #membersPath(group: string): string {
    return this.#api.path('iam', 'user_groups', group, 'members');
  }

  /** The members of a user group as `#resolveMember` names people (membership id, email), read page by page. */
  #groupMembers(group: string): AsyncGenerator<PrincipalRef> {
    return this.#api.list(
      'userGroupMembers',
      this.#membersPath(group),
      {},
      groupMemberRefSchema,
      `list the members of user group ${group}`,
    );
  }

  #readToken(id: string, action: string): Promise<Answer<TokenInfo>> {
    return this.#api.call({ method: 'GET', path: this.#api.path('tokens', id), idempotent: true, action }, tokenSchema);
  }

  /** Not idempotent in effect (each roll kills the value before it), hence never resent blindly. */
  #roll(principal: PrincipalRef): Promise<Answer<string>> {
    return this.#api.call(
      {
        method: 'PUT',
        path: this.#api.path('tokens', principal.id, 'value'),
        idempotent: false,
        action: `roll API token ${principal.name}`,
      },
      rolledValueSchema,
    );
  }

  /**
   * A refusal (4xx) means Cloudflare did not roll. A server error or an unreadable success did not say
   * so: the roll may have happened and killed the old value, which the people involved must know, as
   * after a failed second roll that followed a lost answer. Not rolled again here: an answered request
   * is not resent blindly.
   */
  async #rollFailed(principal: PrincipalRef, error: unknown, afterLostAnswer = false): Promise<never> {
    if (isKind(error, 'not_found') && !afterLostAnswer) return this.#notAToken(principal, error);
    const mayHaveRolled = afterLostAnswer || isKind(error, 'unavailable') || isKind(error, 'internal');
    if (error instanceof ProviderError && mayHaveRolled) {
      throw new ProviderError(
        error.kind,
        `${error.message}. The token may have been rolled, and then the old value of ${principal.name} no longer works: roll it again before relying on it.`,
        {
          providerRequestId: error.providerRequestId,
          retryAfterMs: error.retryAfterMs,
          uncertain: true,
        },
      );
    }
    throw error;
  }

  /** An account member (email or membership id) or, failing that, not_found. */
  async #resolveMember(identity: string): Promise<PrincipalRef> {
    const wanted = identity.toLowerCase();
    // No email filter exists: page through the members in email order and match here.
    const members = this.#api.list(
      'accountMembers',
      this.#api.path('members'),
      { order: 'user.email' },
      accountMemberSchema,
      'list account members',
    );
    for await (const member of members)
      if (member.id === identity || member.name.toLowerCase() === wanted) return member;
    throw new ProviderError(
      'not_found',
      `No member of the Cloudflare account has the email or membership id ${identity}.`,
    );
  }

  /** An account-owned API token by id (one read) or by id or name (listing). */
  async #resolveToken(identity: string): Promise<PrincipalRef> {
    if (CLOUDFLARE_ID.test(identity)) {
      try {
        return (await this.#readToken(identity, `read API token ${identity}`)).result.principal;
      } catch (error) {
        if (!isKind(error, 'not_found')) throw error;
      }
    }
    const matches: PrincipalRef[] = [];
    for await (const token of this.#api.list(
      'accountTokens',
      this.#api.path('tokens'),
      {},
      tokenSchema,
      'list account API tokens',
    )) {
      if (token.principal.id === identity || token.principal.name === identity) matches.push(token.principal);
    }
    const [only, ...others] = matches;
    if (!only)
      throw new ProviderError(
        'not_found',
        `No account-owned API token in the Cloudflare account has the id or name ${identity}.`,
      );
    if (others.length > 0)
      throw new ProviderError(
        'invalid_request',
        `${matches.length} account-owned API tokens are named ${identity}; name the token by its id.`,
      );
    return only;
  }

  /**
   * Explains a token call that found no token: a person's membership id means the request asked to
   * rotate someone's own key, which an account token cannot do.
   */
  async #notAToken(principal: PrincipalRef, error: unknown): Promise<never> {
    if (!isKind(error, 'not_found')) throw error;
    const member = await this.#api
      .call(
        {
          method: 'GET',
          path: this.#api.path('members', principal.id),
          idempotent: true,
          action: `read account member ${principal.name}`,
        },
        accountMemberSchema,
      )
      .catch((lookup: unknown) => {
        if (isKind(lookup, 'not_found') || isKind(lookup, 'invalid_request')) return undefined;
        throw lookup;
      });
    if (!member) throw error;
    throw new ProviderError(
      'unsupported',
      `Cloudflare rotates only account-owned API tokens, and ${principal.name} is a person: a user's own API tokens can be rolled only with that user's credentials.`,
    );
  }
}

function isKind(error: unknown, kind: ProviderError['kind']): error is ProviderError {
  return error instanceof ProviderError && error.kind === kind;
}
