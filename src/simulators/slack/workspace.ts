/**
 * The simulated workspace: seed it (users, user groups, channels) and read what the app did
 * (messages, threads, edits, ephemeral messages, modals, home tabs, response_url posts).
 */
import type { ChannelSeed, Directory, SimChannel, SimUser, UserSeed } from './directory.ts';
import type { EphemeralMessage, MessageLog, StoredMessage } from './messages.ts';
import type { ResponsePost, ResponseUrls } from './response-urls.ts';
import type { OpenView, ViewRegistry } from './views.ts';

export class Workspace {
  constructor(
    readonly directory: Directory,
    readonly messages: MessageLog,
    readonly views: ViewRegistry,
    readonly responses: ResponseUrls,
  ) {}

  addUser(seed: UserSeed): SimUser {
    return this.directory.addUser(seed);
  }

  addUsergroup(id: string, members: string[]): void {
    this.directory.addUsergroup(id, members);
  }

  /** An admin disables a user group (usergroups.disable): it leaves usergroups.list unless include_disabled. */
  disableUsergroup(id: string): void {
    this.directory.disableUsergroup(id);
  }

  /**
   * A channel (public unless `seed.private`). The bot is not in it unless `seed.botMember` or
   * `inviteBot`, as after installing the app from its manifest. A members list (or `seed.members`)
   * says who sees ephemeral messages there.
   */
  addChannel(id: string, name: string, seed: ChannelSeed | string[] = {}): SimChannel {
    return this.directory.addChannel(id, name, Array.isArray(seed) ? { members: seed } : seed);
  }

  /** Someone invites the bot into the channel (`/invite @iam-bot`). */
  inviteBot(channel: string): void {
    this.directory.setBotMember(channel, true);
  }

  /** The bot is removed from the channel: posting there then answers not_in_channel (channel_not_found if private). */
  removeBot(channel: string): void {
    this.directory.setBotMember(channel, false);
  }

  archiveChannel(channel: string): void {
    this.directory.archive(channel);
  }

  /** An admin deactivates the account: conversations.open with them answers user_disabled. */
  deactivateUser(user: string): void {
    this.directory.deactivateUser(user);
  }

  user(id: string): SimUser | undefined {
    return this.directory.user(id);
  }

  /** Top-level messages of a channel, oldest first. */
  messagesIn(channel: string): StoredMessage[] {
    return this.messages.inChannel(channel);
  }

  /** Top-level messages of the bot's DM with `user` (empty when none was opened). */
  dmWith(user: string): StoredMessage[] {
    const dm = this.directory.dmOf(user);
    return dm ? this.messages.inChannel(dm.id) : [];
  }

  /** The bot's DM channel id with `user`, if open. */
  dmChannel(user: string): string | undefined {
    return this.directory.dmOf(user)?.id;
  }

  /** A thread: its root, then the replies. */
  threadOf(channel: string, ts: string): StoredMessage[] {
    return this.messages.thread(channel, ts);
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find(channel, ts);
  }

  ephemeralFor(user: string): EphemeralMessage[] {
    return this.messages.ephemeralFor(user);
  }

  /** The modal view the user sees (top of the stack), if any. */
  openView(user: string): OpenView | undefined {
    return this.views.top(user);
  }

  /** The user's whole modal stack, root first. */
  viewStack(user: string): OpenView[] {
    return this.views.stack(user);
  }

  home(user: string): OpenView | undefined {
    return this.views.home(user);
  }

  responsePosts(): ResponsePost[] {
    return this.responses.posts;
  }
}
