/**
 * Who and where: users, user groups, channels, and the bot's direct-message conversations. Users are
 * kept in the shape users.info returns, so handlers hand them out as they are.
 */
import type { IdFactory } from './ids.ts';

export interface ProfileField {
  value: string;
  alt: string;
}

export interface SimUser {
  id: string;
  team_id: string;
  name: string;
  real_name: string;
  deleted: boolean;
  is_bot: boolean;
  /** Guests (https://api.slack.com/types/user): multi-channel are restricted, single-channel ultra-restricted. */
  is_restricted: boolean;
  is_ultra_restricted: boolean;
  /** A user of another organisation the workspace cannot fully see (same page). */
  is_stranger?: boolean;
  tz: string;
  profile: {
    real_name: string;
    display_name: string;
    email?: string;
    /** Custom profile fields keyed by field id (e.g. a manager field), as users.profile.get shows them. */
    fields: Record<string, ProfileField>;
    team: string;
  };
}

export interface UserSeed {
  id: string;
  name: string;
  email?: string;
  realName?: string;
  /** Field id → value (or `{ value, alt }`). */
  fields?: Record<string, string | { value: string; alt?: string }>;
  isBot?: boolean;
  /** A guest account: multi-channel (is_restricted) or single-channel (is_ultra_restricted too). */
  guest?: 'multi-channel' | 'single-channel';
  /** A user of another organisation: users.info shows is_stranger and their own team. */
  stranger?: { teamId: string };
  deleted?: boolean;
  tz?: string;
}

export interface SimChannel {
  id: string;
  name: string;
  kind: 'public' | 'private' | 'im' | 'mpim';
  /** Who may see ephemeral messages here; undefined for a public channel everyone is in. */
  members?: string[];
  /**
   * Whether the bot user is in the channel. docs/slack.md: a bot posts in a public channel only as a
   * member (or with chat:write.public) and in a private one only when invited; installing an app
   * from its manifest joins it nowhere, so a seeded channel starts without the bot.
   */
  botMember: boolean;
  /** docs/slack.md: posting in an archived channel answers `is_archived`. */
  archived: boolean;
}

/** How a seeded channel starts: its members, whether it is private or archived, whether the bot was invited. */
export interface ChannelSeed {
  members?: string[];
  private?: boolean;
  archived?: boolean;
  /** The bot was invited (default false, as after installing from the manifest). */
  botMember?: boolean;
}

export class Directory {
  readonly #users = new Map<string, SimUser>();
  readonly #usergroups = new Map<string, string[]>();
  readonly #disabledUsergroups = new Set<string>();
  readonly #channels = new Map<string, SimChannel>();
  /** Sorted member list (without the bot) → conversation id, so conversations.open is stable. */
  readonly #conversationsByMembers = new Map<string, string>();

  constructor(
    private readonly teamId: string,
    private readonly ids: IdFactory,
  ) {}

  addUser(seed: UserSeed): SimUser {
    const realName = seed.realName ?? seed.name;
    const fields: Record<string, ProfileField> = {};
    for (const [key, field] of Object.entries(seed.fields ?? {})) {
      fields[key] =
        typeof field === 'string' ? { value: field, alt: '' } : { value: field.value, alt: field.alt ?? '' };
    }
    const user: SimUser = {
      id: seed.id,
      team_id: seed.stranger?.teamId ?? this.teamId,
      name: seed.name,
      real_name: realName,
      deleted: seed.deleted ?? false,
      is_bot: seed.isBot ?? false,
      is_restricted: seed.guest !== undefined,
      is_ultra_restricted: seed.guest === 'single-channel',
      ...(seed.stranger ? { is_stranger: true } : {}),
      tz: seed.tz ?? 'Europe/Paris',
      profile: {
        real_name: realName,
        display_name: seed.name,
        ...(seed.email === undefined ? {} : { email: seed.email }),
        fields,
        team: seed.stranger?.teamId ?? this.teamId,
      },
    };
    this.#users.set(user.id, user);
    return user;
  }

  user(id: string): SimUser | undefined {
    return this.#users.get(id);
  }

  /** Slack matches emails case-insensitively. */
  userByEmail(email: string): SimUser | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.#users.values()) {
      if (user.profile.email?.toLowerCase() === wanted) return user;
    }
    return undefined;
  }

  addUsergroup(id: string, members: string[]): void {
    this.#usergroups.set(id, [...members]);
  }

  /** A disabled group keeps its id and members; usergroups.list shows it only with include_disabled. */
  disableUsergroup(id: string): void {
    if (!this.#usergroups.has(id)) throw new Error(`unknown user group ${id}`);
    this.#disabledUsergroups.add(id);
  }

  /** Every user group, disabled ones included, in creation order. */
  usergroups(): { id: string; members: string[]; disabled: boolean }[] {
    return [...this.#usergroups].map(([id, members]) => ({
      id,
      members: [...members],
      disabled: this.#disabledUsergroups.has(id),
    }));
  }

  usergroup(id: string): string[] | undefined {
    const members = this.#usergroups.get(id);
    return members && [...members];
  }

  addChannel(id: string, name: string, seed: ChannelSeed = {}): SimChannel {
    const channel: SimChannel = {
      id,
      name,
      kind: seed.private === true ? 'private' : 'public',
      ...(seed.members ? { members: [...seed.members] } : {}),
      botMember: seed.botMember ?? false,
      archived: seed.archived ?? false,
    };
    this.#channels.set(id, channel);
    return channel;
  }

  /** By id, or by name with or without '#', as chat.postMessage accepts both. */
  channel(idOrName: string): SimChannel | undefined {
    const byId = this.#channels.get(idOrName);
    if (byId) return byId;
    const name = idOrName.replace(/^#/, '');
    for (const channel of this.#channels.values()) {
      if ((channel.kind === 'public' || channel.kind === 'private') && channel.name === name) return channel;
    }
    return undefined;
  }

  /** The bot is invited into (true) or removed from (false) a channel. */
  setBotMember(id: string, member: boolean): void {
    this.#existing(id).botMember = member;
  }

  archive(id: string): void {
    this.#existing(id).archived = true;
  }

  /** An admin deactivates the account: users.info then shows `deleted: true`. */
  deactivateUser(id: string): void {
    const user = this.#users.get(id);
    if (!user) throw new Error(`unknown user ${id}`);
    user.deleted = true;
  }

  /**
   * The bot's conversation with these users: a D… DM for one, a G… group DM for several. The same
   * members always get the same id; `created` is false when it already existed.
   */
  openConversation(userIds: string[]): { channel: SimChannel; created: boolean } {
    const members = [...new Set(userIds)].sort();
    const key = members.join(',');
    const existing = this.#conversationsByMembers.get(key);
    if (existing) return { channel: this.#channels.get(existing) as SimChannel, created: false };
    const im = members.length === 1;
    const id = this.ids.next(im ? 'D' : 'G');
    const channel: SimChannel = {
      id,
      name: im ? 'directmessage' : `mpdm-${members.join('--')}`,
      kind: im ? 'im' : 'mpim',
      members,
      botMember: true,
      archived: false,
    };
    this.#channels.set(id, channel);
    this.#conversationsByMembers.set(key, id);
    return { channel, created: true };
  }

  /** The bot's DM with a user, if one was opened (a post to a user id opens it). */
  dmOf(userId: string): SimChannel | undefined {
    const id = this.#conversationsByMembers.get(userId);
    return id === undefined ? undefined : this.#channels.get(id);
  }

  /** Whether `userId` can see ephemeral messages in `channel`. */
  isMember(channel: SimChannel, userId: string): boolean {
    return channel.members === undefined || channel.members.includes(userId);
  }

  #existing(id: string): SimChannel {
    const channel = this.#channels.get(id);
    if (!channel) throw new Error(`unknown channel ${id}: seed it with workspace.addChannel`);
    return channel;
  }
}
