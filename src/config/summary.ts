/**
 * What `iam-bot check` prints after a successful load: enough to see that the file says what its author
 * meant. It names fields one by one rather than dumping settings, so no credential can slip in.
 */
import { formatDuration } from '../domain/duration.ts';
import type { CatalogItem, PeopleSet } from '../domain/policy.ts';
import type { LoadedConfig } from './load-policy.ts';
import { descriptorOf } from '../providers/registry.ts';
import type { ProviderSettings } from './provider-settings.ts';

export function summarize(config: LoadedConfig): string {
  const { policy } = config;
  const providers = Object.entries(policy.providers);
  const sets = Object.values(policy.sets);
  const lines = [
    `Policy ${config.file}`,
    '',
    `Providers (${providers.length})`,
    ...table(
      providers.map(([id, type]) => {
        const settings = config.providers[id];
        return [id, type, settings ? providerDetails(settings) : 'credentials not set in this environment'];
      }),
    ),
    '',
    `Approver sets (${sets.length})`,
    ...table(sets.map((set) => [set.name, setRules(set)])),
    `Admins: ${policy.admins ?? 'none (nobody can retry failed requests)'}`,
    '',
    `Catalog (${policy.catalog.length})`,
    ...table(policy.catalog.map((item) => [item.id, `${item.kind} on ${item.provider}`, itemDetails(item)])),
    '',
    `Requests: pending ones expire after ${formatDuration(policy.requests.pendingTtlMs)}; reasons up to ${policy.requests.maxReasonLength} characters`,
    `  approvers reminded after ${formatDuration(policy.requests.remindAfterMs)}, escalated after ${formatDuration(policy.requests.escalateAfterMs)}; ${policy.requests.submissionLimit.count} submissions per ${formatDuration(policy.requests.submissionLimit.windowMs)} per person`,
    `Grants: holders warned ${formatDuration(policy.grants.warnBeforeMs)} before the end; sweep every ${formatDuration(policy.grants.sweepEveryMs)}, members no grant explains ${policy.grants.removeUnexplained ? 'removed' : 'reported'}`,
    `Audit channel: ${policy.audit.channel ?? 'none'}`,
  ];
  return lines.join('\n');
}

function providerDetails(settings: ProviderSettings): string {
  const call = `timeout ${formatDuration(settings.timeoutMs)}, ${settings.maxAttempts} attempt(s)`;
  const details = descriptorOf(settings.type)?.summary(settings);
  return details === undefined ? call : `${details}  ${call}`;
}

function setRules(set: PeopleSet): string {
  const rules: string[] = [];
  if (set.users.length > 0) rules.push(`users ${set.users.join(', ')}`);
  if (set.usergroups.length > 0) rules.push(`usergroups ${set.usergroups.join(', ')}`);
  if (set.manager) rules.push("the requester's manager");
  return rules.join('; ');
}

function itemDetails(item: CatalogItem): string {
  const stages = item.stages
    .map((stage) => (stage.quorum > 1 ? `${stage.set} (quorum ${stage.quorum})` : stage.set))
    .join(' → ');
  const parts = [`stages: ${stages}`];
  if (item.group !== undefined) parts.push(`group ${item.group}`);
  if (item.principal !== undefined) parts.push(`principal ${item.principal}`);
  if (item.maxDurationMs !== undefined) parts.push(`max ${formatDuration(item.maxDurationMs)}`);
  if (item.requireReason) parts.push('reason required');
  if (item.requesters) parts.push(`requesters: ${item.requesters.join(', ')}`);
  if (item.channel) parts.push(`approvals in ${item.channel}`);
  if (item.autoApprove) parts.push(`auto-approve: ${item.autoApprove.map((r) => r.name).join(', ')} (stage 1)`);
  if (item.breakGlass)
    parts.push(
      `break-glass: up to ${formatDuration(item.breakGlass.maxDurationMs)}, reviewed by ${item.breakGlass.reviewers} within ${formatDuration(item.breakGlass.reviewWithinMs)}`,
    );
  return parts.join('; ');
}

/** Rows with their columns padded to line up; the last column is left ragged. */
function table(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map(
    (row) => `  ${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')}`,
  );
}
