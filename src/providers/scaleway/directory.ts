/**
 * Finding Scaleway groups, users and applications by what the policy file and the identity rules give
 * (an id, a name, an email), and remembering whether a principal is a user or an application: the
 * wire needs `user_id` or `application_id`, and the port's PrincipalRef does not say which.
 */
import { callResult } from '../answer.ts';
import { ProviderError, type PrincipalRef } from '../../workflow/ports.ts';
import { toProviderError } from './errors.ts';
import {
  applicationPageSchema,
  applicationSchema,
  groupPageSchema,
  groupSchema,
  userPageSchema,
  userSchema,
  type ScalewayGroup,
} from './schemas.ts';
import { PAGE_SIZE, segment, type ScalewayWireClient } from './wire-client.ts';

export type BearerKind = 'user' | 'application';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isScalewayId(value: string): boolean {
  return UUID.test(value);
}

export class Directory {
  readonly #kinds = new Map<string, BearerKind>();

  constructor(private readonly wire: ScalewayWireClient) {}

  /** A group by id, or by its exact name. */
  async group(ref: string): Promise<ScalewayGroup> {
    if (isScalewayId(ref)) {
      return (
        await this.wire.call(
          { method: 'GET', path: `/groups/${segment(ref)}` },
          groupSchema,
          `reading Scaleway group ${ref}`,
        )
      ).result;
    }
    // The `name` filter only narrows the listing: the exact comparison is ours, whatever matching Scaleway applies.
    for await (const group of this.wire.list(
      '/groups',
      { name: ref },
      groupPageSchema,
      `finding Scaleway group ${ref}`,
    )) {
      if (group.name === ref) return group;
    }
    throw new ProviderError('not_found', `Scaleway Organization ${this.wire.organizationId} has no group named ${ref}`);
  }

  /** The id a group reference names, without a round trip when it already is one. */
  async groupId(ref: string): Promise<string> {
    return isScalewayId(ref) ? ref : (await this.group(ref)).id;
  }

  async allGroups(): Promise<ScalewayGroup[]> {
    const groups: ScalewayGroup[] = [];
    for await (const group of this.wire.list('/groups', {}, groupPageSchema, 'listing Scaleway groups'))
      groups.push(group);
    return groups;
  }

  /**
   * A user by id, email or username. There is no email filter on the user listing, so the users are
   * paged through and compared case-insensitively, stopping at the first match.
   */
  async user(identity: string): Promise<PrincipalRef> {
    if (isScalewayId(identity)) {
      const { result } = await this.wire.call(
        { method: 'GET', path: `/users/${segment(identity)}` },
        userSchema,
        `reading Scaleway user ${identity}`,
      );
      return this.#remember('user', result.id, result.email);
    }
    const wanted = identity.toLowerCase();
    for await (const user of this.wire.list('/users', {}, userPageSchema, `finding Scaleway user ${identity}`)) {
      if (user.email.toLowerCase() === wanted || user.username.toLowerCase() === wanted)
        return this.#remember('user', user.id, user.email);
    }
    throw new ProviderError(
      'not_found',
      `Scaleway Organization ${this.wire.organizationId} has no user with email or username ${identity}`,
    );
  }

  /** An application (the service principal of a key rotation) by id or exact name. */
  async application(identity: string): Promise<PrincipalRef> {
    if (isScalewayId(identity)) {
      const what = `reading Scaleway application ${identity}`;
      const { result } = await this.wire.call(
        { method: 'GET', path: `/applications/${segment(identity)}` },
        applicationSchema,
        what,
      );
      return this.#remember('application', result.id, result.name);
    }
    const found = [];
    for await (const app of this.wire.list(
      '/applications',
      { name: identity },
      applicationPageSchema,
      `finding Scaleway application ${identity}`,
    )) {
      if (app.name === identity) found.push(app);
    }
    const [only, ...others] = found;
    if (!only)
      throw new ProviderError(
        'not_found',
        `Scaleway Organization ${this.wire.organizationId} has no application named ${identity}`,
      );
    if (others.length > 0) {
      throw new ProviderError(
        'invalid_request',
        `${found.length} Scaleway applications are named ${identity}: name the one to use by its id`,
      );
    }
    return this.#remember('application', only.id, only.name);
  }

  /**
   * Every member of a group, named as `user` and `application` name them (a user by email, an
   * application by name). The group read gives the member ids whole; their names come from the user and
   * application listings filtered by id, at most a page of ids per request (the ids travel in the URL).
   * An id neither listing returns (deleted meanwhile) keeps its id as name.
   */
  async members(ref: string): Promise<PrincipalRef[]> {
    const group = await this.group(ref);
    const found = new Map<string, PrincipalRef>();
    for (const ids of chunks(group.userIds, PAGE_SIZE)) {
      for await (const user of this.wire.list(
        '/users',
        { user_ids: ids },
        userPageSchema,
        `reading the users of Scaleway group ${ref}`,
      )) {
        found.set(user.id, this.#remember('user', user.id, user.email));
      }
    }
    for (const ids of chunks(group.applicationIds, PAGE_SIZE)) {
      const what = `reading the applications of Scaleway group ${ref}`;
      for await (const app of this.wire.list('/applications', { application_ids: ids }, applicationPageSchema, what)) {
        found.set(app.id, this.#remember('application', app.id, app.name));
      }
    }
    return [...group.userIds, ...group.applicationIds].map((id) => found.get(id) ?? { id, name: id });
  }

  /** Whether a principal is a user or an application: remembered from resolution, else looked up. */
  async kindOf(principal: PrincipalRef): Promise<BearerKind> {
    const kind = this.#kinds.get(principal.id) ?? (await this.#lookUpKind(principal));
    this.#kinds.set(principal.id, kind);
    return kind;
  }

  async #lookUpKind(principal: PrincipalRef): Promise<BearerKind> {
    const path = segment(principal.id);
    const asUser = await this.wire.attempt({ method: 'GET', path: `/users/${path}` }, userSchema);
    if (asUser.ok) return 'user';
    if (asUser.failure.error?.type !== 'not_found')
      throw toProviderError(asUser.failure, `reading Scaleway user ${principal.name}`);
    const asApp = await this.wire.attempt({ method: 'GET', path: `/applications/${path}` }, applicationSchema);
    if (asApp.ok) return 'application';
    if (asApp.failure.error?.type !== 'not_found')
      throw toProviderError(asApp.failure, `reading Scaleway application ${principal.name}`);
    const { requestId } = asApp.failure;
    throw new ProviderError(
      'not_found',
      `no Scaleway user or application has id ${principal.id} (${principal.name})`,
      callResult(requestId),
    );
  }

  #remember(kind: BearerKind, id: string, name: string): PrincipalRef {
    this.#kinds.set(id, kind);
    return { id, name };
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
