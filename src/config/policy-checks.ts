/**
 * Rules that span entries of the policy file and that a per-field schema cannot see: names that must
 * refer to something, fields that only make sense for some kinds, quorums no set could ever meet.
 * Each finding points at the node to fix.
 */
import { formatDuration } from '../domain/duration.ts';
import type { RequestKind } from '../domain/policy.ts';
import type { LooseCatalogItem, PolicyParts } from './policy-parts.ts';
import type { ApproverSetConfig } from './policy-schema.ts';
import type { Finding, PathSegment } from './problems.ts';
import { keyStyleOf, providerLabel } from './provider-settings.ts';

export function checkReferences(parts: PolicyParts): Finding[] {
  const providerIds = Object.keys(parts.providers);
  const setNames = Object.keys(parts.sets);
  const findings: Finding[] = [];
  const unknownSet = (name: string, path: PathSegment[]) => {
    if (!setNames.includes(name))
      findings.push({ path, message: `no approver set named "${name}"${known('sets', setNames)}` });
  };

  if (parts.admins !== undefined) unknownSet(parts.admins, ['admins']);

  const firstIndexOfId = new Map<string, number>();
  parts.catalog.forEach((item, index) => {
    if (!item) return;
    const at = (...rest: PathSegment[]): PathSegment[] => ['catalog', index, ...rest];

    if (item.id !== undefined) {
      const first = firstIndexOfId.get(item.id);
      if (first === undefined) firstIndexOfId.set(item.id, index);
      else findings.push({ path: at('id'), message: `duplicate id; catalog[${first}] already uses "${item.id}"` });
    }

    if (item.provider !== undefined && !providerIds.includes(item.provider)) {
      findings.push({
        path: at('provider'),
        message: `no provider named "${item.provider}"${known('providers', providerIds)}`,
      });
    }
    findings.push(...kindFindings(item, at));
    const providerType = item.provider === undefined ? undefined : parts.providers[item.provider]?.type;
    if (
      providerType !== undefined &&
      keyStyleOf(providerType) === 'roll' &&
      item.kind === 'key.rotate' &&
      item.principal === undefined
    ) {
      // A roll names the token it rolls (Cloudflare rolls account-owned tokens; a person's own user tokens
      // need that person's credentials: docs/providers/cloudflare.md).
      findings.push({
        path: at('kind'),
        message: `key.rotate on ${providerLabel(providerType) ?? providerType} needs a principal: the id or name of the account API token to roll`,
      });
    }

    item.approvers?.forEach((stage, s) => {
      if (stage === undefined) return;
      const name = typeof stage === 'string' ? stage : stage.set;
      unknownSet(name, typeof stage === 'string' ? at('approvers', s) : at('approvers', s, 'set'));
      const ownQuorum = typeof stage === 'string' ? undefined : stage.quorum;
      const quorum = ownQuorum ?? item.quorum ?? 1;
      const problem = quorumProblem(name, parts.sets[name], quorum);
      if (problem)
        findings.push({
          path: ownQuorum !== undefined ? at('approvers', s, 'quorum') : at('quorum'),
          message: problem,
        });
    });

    item.requesters?.forEach((name, r) => unknownSet(name, at('requesters', r)));
    item.autoApprove?.forEach((rule, r) =>
      rule?.requesters?.forEach((name, i) => unknownSet(name, at('autoApprove', r, 'requesters', i))),
    );
    findings.push(...ruleFindings(item, at));
    if (item.escalateTo !== undefined) unknownSet(item.escalateTo, at('escalateTo'));
  });

  for (const provider of Object.keys(parts.identity?.providers ?? {})) {
    if (!providerIds.includes(provider)) {
      findings.push({
        path: ['identity', 'providers', provider],
        message: `no provider named "${provider}"${known('providers', providerIds)}`,
        at: 'key',
      });
    }
  }
  if (parts.identity && parts.identity.domains === undefined) {
    // Without domains, alice@partner.example (a guest, a Slack Connect partner) would become the provider user alice.
    const localPart: PathSegment[][] = Object.entries(parts.identity.providers)
      .filter(([, rule]) => rule === 'email-local-part')
      .map(([provider]) => ['identity', 'providers', provider]);
    if (parts.identity.default === 'email-local-part') localPart.unshift(['identity', 'default']);
    for (const path of localPart) {
      findings.push({
        path,
        message:
          'email-local-part needs identity.domains: the email domains whose local part names a provider user (e.g. domains: [example.com])',
      });
    }
  }
  for (const [user, principals] of Object.entries(parts.identity?.map ?? {})) {
    for (const provider of Object.keys(principals)) {
      if (!providerIds.includes(provider)) {
        findings.push({
          path: ['identity', 'map', user, provider],
          message: `no provider named "${provider}"${known('providers', providerIds)}`,
          at: 'key',
        });
      }
    }
  }
  return findings;
}

const GROUP_KINDS: readonly RequestKind[] = ['group.add', 'group.remove'];

/** Fields that belong to some kinds only: a stray one means the item is not what its author thinks. */
function kindFindings(item: LooseCatalogItem, at: (...rest: PathSegment[]) => PathSegment[]): Finding[] {
  const findings: Finding[] = [];
  if (item.kind === undefined) return findings;
  if (GROUP_KINDS.includes(item.kind)) {
    if (item.group === undefined) findings.push({ path: at('group'), message: `required for ${item.kind}` });
  } else if (item.group !== undefined) {
    findings.push({ path: at('group'), message: 'only allowed for group.add and group.remove' });
  }
  if (item.kind === 'group.add') findings.push(...durationFindings(item, at));
  else {
    for (const key of ['maxDuration', 'defaultDuration', 'permanent'] as const) {
      if (item[key] !== undefined) findings.push({ path: at(key), message: 'only allowed for group.add' });
    }
  }
  if (item.principal !== undefined && item.kind !== 'key.rotate') {
    findings.push({ path: at('principal'), message: 'only allowed for key.rotate' });
  }
  return findings;
}

/**
 * Auto-approval rules: never on an MFA reset (its approver attests they verified the requester's identity,
 * which no rule can), a duration limit only on group access and there required and within the item's own
 * cap, and names unique within the item (the audit log tells rules apart by name).
 */
function ruleFindings(item: LooseCatalogItem, at: (...rest: PathSegment[]) => PathSegment[]): Finding[] {
  const rules = item.autoApprove;
  if (!rules || item.kind === undefined) return [];
  if (item.kind === 'mfa.reset')
    return [
      {
        path: at('autoApprove'),
        message:
          "not allowed for mfa.reset: an MFA reset hands over an account, and its approver must attest they verified the requester's identity out of band, which no rule can",
      },
    ];
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  rules.forEach((rule, r) => {
    if (!rule) return;
    const first = seen.get(rule.name);
    if (first === undefined) seen.set(rule.name, r);
    else
      findings.push({
        path: at('autoApprove', r, 'name'),
        message: `duplicate rule name; autoApprove[${first}] is already "${rule.name}"`,
      });
    if (item.kind !== 'group.add') {
      if (rule.maxDuration !== undefined)
        findings.push({ path: at('autoApprove', r, 'maxDuration'), message: 'only allowed for group.add' });
      return;
    }
    if (rule.maxDuration === undefined)
      findings.push({
        path: at('autoApprove', r),
        message:
          'maxDuration is required on a group.add rule: a rule approves timed access up to a limit (e.g. maxDuration: 2h)',
      });
    else if (item.maxDuration !== undefined && rule.maxDuration > item.maxDuration)
      findings.push({
        path: at('autoApprove', r, 'maxDuration'),
        message: `${formatDuration(rule.maxDuration)} is longer than the item's maxDuration ${formatDuration(item.maxDuration)}`,
      });
  });
  return findings;
}

/**
 * Access is timed unless the item says otherwise in so many words: a policy of the previous release
 * whose group.add item has neither maxDuration nor `permanent: true` is refused until one is added.
 */
function durationFindings(item: LooseCatalogItem, at: (...rest: PathSegment[]) => PathSegment[]): Finding[] {
  const { maxDuration, defaultDuration, permanent } = item;
  if (permanent === true) {
    if (maxDuration !== undefined)
      return [
        {
          path: at('permanent'),
          message: 'permanent: true grants access with no end, so it cannot also have a maxDuration; keep one of them',
        },
      ];
    // A request without a duration is what asks for permanent access: a default would make that impossible.
    if (defaultDuration !== undefined)
      return [
        {
          path: at('defaultDuration'),
          message:
            'a permanent item has no default duration: a request without a duration is permanent; remove defaultDuration or set maxDuration instead of permanent: true',
        },
      ];
    return [];
  }
  if (maxDuration === undefined) {
    // At the item when the key is absent; said once when the schema already refused a malformed one.
    return [
      {
        path: at('maxDuration'),
        message:
          'required for group.add unless the item says permanent: true; add maxDuration (e.g. maxDuration: 8h) to time-bound the access, or permanent: true to keep access with no end',
      },
    ];
  }
  if (defaultDuration !== undefined && defaultDuration > maxDuration) {
    return [
      {
        path: at('defaultDuration'),
        message: `${formatDuration(defaultDuration)} is longer than the maxDuration ${formatDuration(maxDuration)}`,
      },
    ];
  }
  return [];
}

/**
 * A set with no user group has a fixed number of possible approvers; a larger quorum would leave every
 * request pending until it expires. Sets with user groups can grow, so they are not judged here.
 */
function quorumProblem(name: string, set: ApproverSetConfig | undefined, quorum: number): string | undefined {
  if (!set || set.usergroups.length > 0) return undefined;
  const capacity = set.users.length + (set.manager ? 1 : 0);
  if (quorum <= capacity) return undefined;
  if (set.users.length === 0) return `set "${name}" is only the requester's manager, so quorum cannot be more than 1`;
  return `quorum ${quorum} is more than the ${capacity} approver(s) set "${name}" can ever have`;
}

function known(what: string, names: readonly string[]): string {
  return names.length > 0 ? ` (${what}: ${names.join(', ')})` : ` (no ${what} are defined)`;
}
