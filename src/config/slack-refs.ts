/**
 * Every Slack user, user group and channel a policy file names, with where: `check` with a token asks
 * Slack about each and points at the line to fix. Read from the file as written (a set's `usergroup`
 * and `usergroups` are one list once parsed, and the position of each is wanted).
 */
import type { Finding, PathSegment } from './problems.ts';

export type SlackRefKind = 'user' | 'usergroup' | 'channel';

export interface SlackRef {
  kind: SlackRefKind;
  id: string;
  /** Where it is named; `at: 'key'` for a user named as a mapping key. */
  finding: Omit<Finding, 'message'>;
}

export function slackRefsOf(data: unknown): SlackRef[] {
  const root = record(data);
  const refs: SlackRef[] = [];
  const add = (kind: SlackRefKind, id: unknown, path: PathSegment[], at?: 'key') => {
    if (typeof id === 'string') refs.push({ kind, id, finding: { path, ...(at ? { at } : {}) } });
  };
  for (const [name, value] of Object.entries(record(root.approvers))) {
    const set = record(value);
    list(set.users).forEach((user, i) => add('user', user, ['approvers', name, 'users', i]));
    add('usergroup', set.usergroup, ['approvers', name, 'usergroup']);
    list(set.usergroups).forEach((group, i) => add('usergroup', group, ['approvers', name, 'usergroups', i]));
  }
  for (const [user, manager] of Object.entries(record(record(root.directory).managers))) {
    add('user', user, ['directory', 'managers', user], 'key');
    add('user', manager, ['directory', 'managers', user]);
  }
  for (const user of Object.keys(record(record(root.identity).map)))
    add('user', user, ['identity', 'map', user], 'key');
  add('channel', record(root.audit).channel, ['audit', 'channel']);
  list(root.catalog).forEach((item, i) => add('channel', record(item).channel, ['catalog', i, 'channel']));
  return refs;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
