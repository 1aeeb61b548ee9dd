/**
 * People facts from Slack: emails (users.info), managers (a profile field), user-group members
 * (usergroups.users.list). Answers are cached briefly for listings; a decision asks with `fresh`.
 */
import { z } from 'zod';
import type { Clock, Directory, Standing } from '../workflow/ports.ts';
import type { SlackClient } from './client.ts';
import { platformError } from './errors.ts';

const CACHE_MS = 60_000;
const USER_ID = /\b([UW][A-Z0-9]{2,})\b/;

// Guests carry is_restricted (multi-channel) or is_ultra_restricted (single-channel); a user of another
// organisation the bot's team cannot fully see carries is_stranger (https://api.slack.com/types/user).
const userInfo = z
  .object({
    user: z
      .object({
        name: z.string().optional(),
        real_name: z.string().optional(),
        profile: z
          .object({
            email: z.string().optional(),
            real_name: z.string().optional(),
            display_name: z.string().optional(),
          })
          .loose(),
        is_restricted: z.boolean().optional(),
        is_ultra_restricted: z.boolean().optional(),
        is_stranger: z.boolean().optional(),
        deleted: z.boolean().optional(),
      })
      .loose(),
  })
  .loose();
const profileInfo = z
  .object({
    profile: z.object({ fields: z.record(z.string(), z.object({ value: z.string() }).loose()).nullish() }).loose(),
  })
  .loose();
const groupUsers = z.object({ users: z.array(z.string()) }).loose();

export class SlackDirectory implements Directory {
  readonly #cache = new Map<string, { at: number; value: unknown }>();

  constructor(
    private readonly client: SlackClient,
    private readonly clock: Clock,
    private readonly managerField?: string,
  ) {}

  async emailOf(user: string): Promise<string | undefined> {
    return (await this.#info(user)).profile.email;
  }

  async nameOf(user: string): Promise<string | undefined> {
    const info = await this.#info(user);
    return [info.profile.real_name, info.real_name, info.profile.display_name, info.name].find(
      (name) => name !== undefined && name.trim() !== '',
    );
  }

  async standingOf(user: string): Promise<Standing> {
    const info = await this.#info(user);
    if (info.is_stranger === true) return 'stranger';
    return info.is_restricted === true || info.is_ultra_restricted === true ? 'guest' : 'member';
  }

  /** A deactivated account shows `deleted: true`; one Slack does not know answers user_not_found. */
  async isActive(user: string): Promise<boolean> {
    try {
      return (await this.#info(user)).deleted !== true;
    } catch (error) {
      if (platformError(error) === 'user_not_found') return false;
      throw error;
    }
  }

  // One users.info answer serves the email, the name, the standing and whether the account is active.
  #info(user: string): Promise<z.infer<typeof userInfo>['user']> {
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
    return this.#cached(
      `group:${usergroup}`,
      options.fresh ?? false,
      async () => groupUsers.parse(await this.client.usergroups.users.list({ usergroup })).users,
    );
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
