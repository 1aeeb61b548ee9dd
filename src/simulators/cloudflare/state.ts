/**
 * The simulated Cloudflare account: members, user groups with their members, and account-owned API
 * tokens (which are also the credentials the simulator accepts). Tests seed and inspect it directly.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { LostWrites } from '../shared/lost-writes.ts';

export interface SimAccountMember {
  /** The membership id: what user groups hold. */
  id: string;
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  status: 'accepted' | 'pending';
}

export interface SimUserGroup {
  id: string;
  name: string;
  createdOn: string;
  modifiedOn: string;
  /** Membership ids, in the order they were added. */
  members: string[];
}

/**
 * What a token may do here: `write` everything the bot needs, `read` only GETs, `none` nothing
 * (a token that exists only to be rotated, like a CI token).
 */
export type TokenAccess = 'write' | 'read' | 'none';

export interface SimToken {
  id: string;
  name: string;
  /** The secret; changes on every roll. */
  value: string;
  status: 'active' | 'disabled' | 'expired';
  access: TokenAccess;
  issuedOn: string;
  modifiedOn: string;
  rolls: number;
}

/** Cloudflare ids: 32 lower-case hex digits. */
export function cloudflareId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * How a token value looks (Cloudflare docs, "Token formats",
 * developers.cloudflare.com/fundamentals/api/get-started/token-formats): every token created or rolled
 * now is `scannable`, account tokens `cfat_` + 40 characters + a checksum; tokens made before stay
 * valid in the `legacy` form, 40 characters of the URL-safe alphabet.
 */
export type TokenFormat = 'scannable' | 'legacy';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function tokenValue(format: TokenFormat): string {
  if (format === 'legacy') return randomBytes(30).toString('base64url');
  const body = `cfat_${Array.from({ length: 40 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('')}`;
  // Cloudflare does not publish its checksum; scanners read 8 lower-case hex digits. CRC-32 gives that shape.
  return `${body}${crc32(body).toString(16).padStart(8, '0')}`;
}

export class CloudflareState {
  readonly members = new Map<string, SimAccountMember>();
  readonly groups = new Map<string, SimUserGroup>();
  readonly tokens = new Map<string, SimToken>();
  /** Group edits the API acknowledges without doing, checked by the same rules first (see LostWrites). */
  readonly lostWrites = new LostWrites<'add-member' | 'remove-member'>();

  constructor(
    readonly accountId: string,
    private readonly now: () => number,
  ) {}

  addMember(
    email: string,
    options: { status?: SimAccountMember['status']; firstName?: string; lastName?: string } = {},
  ): SimAccountMember {
    const member: SimAccountMember = {
      id: cloudflareId(),
      userId: cloudflareId(),
      email,
      firstName: options.firstName ?? email.split('@')[0] ?? email,
      lastName: options.lastName ?? 'Example',
      status: options.status ?? 'accepted',
    };
    this.members.set(member.id, member);
    return member;
  }

  addGroup(name: string): SimUserGroup {
    const at = this.#timestamp();
    const group: SimUserGroup = { id: cloudflareId(), name, createdOn: at, modifiedOn: at, members: [] };
    this.groups.set(group.id, group);
    return group;
  }

  /** Seeds a membership; true when it was not there yet. */
  addToGroup(groupId: string, memberId: string): boolean {
    const group = this.#group(groupId);
    if (!this.members.has(memberId)) throw new Error(`no account member ${memberId}`);
    if (group.members.includes(memberId)) return false;
    group.members.push(memberId);
    group.modifiedOn = this.#timestamp();
    return true;
  }

  /** True when the member was there. */
  removeFromGroup(groupId: string, memberId: string): boolean {
    const group = this.#group(groupId);
    const index = group.members.indexOf(memberId);
    if (index < 0) return false;
    group.members.splice(index, 1);
    group.modifiedOn = this.#timestamp();
    return true;
  }

  /** The membership ids in a group. */
  groupMembers(groupId: string): string[] {
    return [...this.#group(groupId).members];
  }

  /** A token made now is scannable; `format: 'legacy'` seeds one made before the change. */
  addToken(
    name: string,
    options: { access?: TokenAccess; status?: SimToken['status']; format?: TokenFormat } = {},
  ): SimToken {
    const at = this.#timestamp();
    const token: SimToken = {
      id: cloudflareId(),
      name,
      value: tokenValue(options.format ?? 'scannable'),
      status: options.status ?? 'active',
      access: options.access ?? 'none',
      issuedOn: at,
      modifiedOn: at,
      rolls: 0,
    };
    this.tokens.set(token.id, token);
    return token;
  }

  /** A new value for the token, always scannable; the old one stops working at once. */
  roll(tokenId: string): string {
    const token = this.tokens.get(tokenId);
    if (!token) throw new Error(`no token ${tokenId}`);
    token.value = tokenValue('scannable');
    token.modifiedOn = this.#timestamp();
    token.rolls++;
    return token.value;
  }

  tokenByValue(value: string): SimToken | undefined {
    for (const token of this.tokens.values()) if (token.value === value) return token;
    return undefined;
  }

  #group(id: string): SimUserGroup {
    const group = this.groups.get(id);
    if (!group) throw new Error(`no user group ${id}`);
    return group;
  }

  #timestamp(): string {
    return new Date(this.now()).toISOString();
  }
}
