/**
 * The simulated workspace: seed it (users, user groups, channels) and read what the app did
 * (messages, threads, edits, ephemeral messages, modals, home tabs, response_url posts).
 */
import type { Directory, SimChannel, SimUser, UserSeed } from './directory.ts';
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

  /** A public channel; with `members`, only they see ephemeral messages there. */
  addChannel(id: string, name: string, members?: string[]): SimChannel {
    return this.directory.addChannel(id, name, members);
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
