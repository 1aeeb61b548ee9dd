/**
 * People facts from Slack: emails (users.info), managers (a profile field), user-group members
 * (usergroups.users.list). Answers are cached briefly for listings; a decision asks with `fresh`.
 */
import { z } from 'zod';
import type { Clock, Directory } from '../workflow/ports.ts';
import type { SlackClient } from './client.ts';

const CACHE_MS = 60_000;
const USER_ID = /\b([UW][A-Z0-9]{2,})\b/;

const userInfo = z
  .object({
    user: z
      .object({
        name: z.string().optional(),
        real_name: z.string().optional(),
        profile: z.object({ email: z.string().optional(), real_name: z.string().optional(), display_name: z.string().optional() }).loose(),
      })
      .loose(),
  })
  .loose();
type UserInfo = z.output<typeof userInfo>['user'];
const profileInfo = z.object({ profile: z.object({ fields: z.record(z.string(), z.object({ value: z.string() }).loose()).nullish() }).loose() }).loose();
const groupUsers = z.object({ users: z.array(z.string()) }).loose();

export class SlackDirectory implements Directory {
  readonly #cache = new Map<string, { at: number; value: unknown }>();

  constructor(
    private readonly client: SlackClient,
    private readonly clock: Clock,
    private readonly managerField?: string,
  ) {}

  async emailOf(user: string): Promise<string | undefined> {
    return (await this.#user(user)).profile.email;
  }

  async nameOf(user: string): Promise<string | undefined> {
    const info = await this.#user(user);
    return [info.profile.real_name, info.real_name, info.profile.display_name, info.name].find((name) => name !== undefined && name.trim() !== '');
  }

  // One users.info answer serves both the email and the name.
  #user(user: string): Promise<UserInfo> {
    return this.#cached(`user:${user}`, false, async () => userInfo.parse(await this.client.users.info({ user })).user);
  }

  managerOf(user: string): Promise<string | undefined> {
    const field = this.managerField;
    if (!field) return Promise.resolve(undefined);
    return this.#cached(`manager:${user}`, false, async () => {
      const value = profileInfo.parse(await this.client.users.profile.get({ user })).profile.fields?.[field]?.value;
      // The field holds a user reference: an id, or a mention like <@U123>.
      return value ? USER_ID.exec(value)?.[1] : undefined;
    });
  }

  usergroupMembers(usergroup: string, options: { fresh?: boolean } = {}): Promise<readonly string[]> {
    return this.#cached(`group:${usergroup}`, options.fresh ?? false, async () => groupUsers.parse(await this.client.usergroups.users.list({ usergroup })).users);
  }

  knownUsergroupMembers(usergroup: string): readonly string[] | undefined {
    return this.#cache.get(`group:${usergroup}`)?.value as readonly string[] | undefined;
  }

  async #cached<T>(key: string, fresh: boolean, load: () => Promise<T>): Promise<T> {
    const hit = this.#cache.get(key);
    if (!fresh && hit && this.clock.now() - hit.at < CACHE_MS) return hit.value as T;
    const value = await load();
    this.#cache.set(key, { at: this.clock.now(), value });
    return value;
  }
}
