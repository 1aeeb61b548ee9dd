/** The Directory port: who people are, as the workflow asks it. */
import type { Standing } from '../../domain/policy.ts';

export type { Standing } from '../../domain/policy.ts';

/** People facts; the Slack implementation reads profiles and user groups. */
export interface Directory {
  managerOf(user: string): Promise<string | undefined>;
  emailOf(user: string): Promise<string | undefined>;
  /** The person's display name (their real name, else their handle), for the audit trail. */
  nameOf?(user: string): Promise<string | undefined>;
  /** A full member of the workspace, or a guest or a user of another organisation (who never derive a provider account from an email). */
  standingOf(user: string): Promise<Standing>;
  /** false for a deactivated or unknown account, who can approve nothing; absent: everyone counts as active. */
  isActive?(user: string): Promise<boolean>;
  /** `fresh`: bypass any cache — used when the answer decides whether a click may approve. */
  usergroupMembers(usergroup: string, options?: { fresh?: boolean }): Promise<readonly string[]>;
  /** What is already known of a group, however old, without asking anyone; undefined when nothing is. */
  knownUsergroupMembers?(usergroup: string): readonly string[] | undefined;
}
