/**
 * Policy file → validated domain `Policy` and provider settings, or a `PolicyError` listing every
 * problem with its file:line:col.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { getSystemErrorMap } from 'node:util';
import type { Policy } from '../domain/policy.ts';
import { buildPolicy } from './build-policy.ts';
import { checkReferences } from './policy-checks.ts';
import { checkReviews } from './review-checks.ts';
import { checkBreakGlass } from './break-glass-checks.ts';
import { checkFeasibility } from './policy-feasibility.ts';
import { slackRefsOf, type SlackRefKind } from './slack-refs.ts';
import { partsOf, salvageParts } from './policy-parts.ts';
import { policyFileSchema } from './policy-schema.ts';
import { PolicyError, formatPath, type Finding, type PolicyProblem } from './problems.ts';
import { resolveProviders, type ProviderSettings } from './provider-settings.ts';
import { parseYaml, positionOf, type YamlSource } from './yaml-source.ts';
import { findingsFromZod, issueMessage } from './zod-issues.ts';

// Callers (`check`, the composition root) need only this module.
export { PolicyError, formatProblem, type PolicyProblem } from './problems.ts';
export type {
  CloudflareSettings,
  JcsSettings,
  OutscaleSettings,
  ProviderSettings,
  ScalewaySettings,
} from './provider-settings.ts';

export interface LoadedConfig {
  /** The file as the caller named it. */
  file: string;
  policy: Policy;
  /** Provider id → connection settings, secrets resolved from the environment. */
  providers: Record<string, ProviderSettings>;
  /** Missing environment variables, when the caller chose to be told rather than refused. */
  warnings: PolicyProblem[];
  /** What some people meet under this policy though it can work (a requester nobody else can approve for). */
  cautions: PolicyProblem[];
  /** Every Slack user, user group and channel the file names, located (`check` asks Slack about each). */
  slackRefs: LocatedSlackRef[];
  /** SHA-256 of the file's text (hex): the audit log records which policy was in force. */
  sha256: string;
}

/** A Slack id the file names, and where (its `message` is empty). */
export type LocatedSlackRef = PolicyProblem & { kind: SlackRefKind; id: string };

export interface LoadOptions {
  /**
   * `error` (default, for start-up): a missing env variable is a problem. `warn` (for `check` where the
   * production secrets are absent, as in CI): it is reported and that provider is left out.
   */
  missingEnv?: 'error' | 'warn';
}

export async function loadPolicy(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PolicyError([
      { file, line: 0, col: 0, path: '', message: `cannot read the policy file: ${osReason(error)}` },
    ]);
  }
  return parsePolicy(text, file, env, options);
}

/** Pure apart from reading `env`: the same text and environment give the same result. */
export function parsePolicy(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): LoadedConfig {
  const yaml = parseYaml(text);
  if (!yaml.ok) {
    // Past a syntax error the tree is a guess; its schema problems would mostly be noise.
    throw new PolicyError(yaml.errors.map(({ line, col, message }) => ({ file, line, col, path: '', message })));
  }

  const parsed = policyFileSchema.safeParse(yaml.data, { error: issueMessage });
  const findings: Finding[] = parsed.success ? [] : findingsFromZod(parsed.error.issues);
  const parts = parsed.success ? partsOf(parsed.data) : salvageParts(yaml.data);
  const providers = resolveProviders(parts.providers, env);
  // A field the schema already rejected looks absent to the checks (`group: ""` → "required"): say it once.
  const reported = new Set(findings.map((finding) => formatPath(finding.path)));
  const warnOnly = options.missingEnv === 'warn';
  const envFindings = providers.findings.filter((finding) => !reported.has(formatPath(finding.path)));
  findings.push(
    ...[...checkReferences(parts), ...checkBreakGlass(parts), ...checkReviews(parts)].filter(
      (finding) => !reported.has(formatPath(finding.path)),
    ),
  );
  if (!warnOnly) findings.push(...envFindings);
  // Whether stages can be approved is judged on the whole, well-formed policy only.
  const policy = parsed.success ? buildPolicy(parsed.data) : undefined;
  const feasibility = policy ? checkFeasibility(policy) : { errors: [], cautions: [] };
  findings.push(...feasibility.errors);

  if (!policy || findings.length > 0) throw new PolicyError(locate(findings, yaml.source, file));
  const warnings = warnOnly ? locate(envFindings, yaml.source, file) : [];
  const cautions = locate(feasibility.cautions, yaml.source, file);
  const slackRefs = slackRefsOf(yaml.data).map(({ kind, id, finding }) => ({
    kind,
    id,
    ...(locate([{ ...finding, message: '' }], yaml.source, file)[0] as PolicyProblem),
  }));
  return {
    file,
    policy,
    providers: providers.settings,
    warnings,
    cautions,
    slackRefs,
    sha256: createHash('sha256').update(text).digest('hex'),
  };
}

/** Findings → problems in file order, which is the order a person fixes them in. */
function locate(findings: readonly Finding[], source: YamlSource, file: string): PolicyProblem[] {
  return findings
    .map((finding) => ({
      file,
      ...positionOf(source, finding.path, finding.at),
      path: formatPath(finding.path),
      message: finding.message,
    }))
    .sort((a, b) => a.line - b.line || a.col - b.col);
}

/**
 * `no such file or directory (ENOENT)`: the system's description of the error's errno, looked up by number
 * (node:util getSystemErrorMap), not read out of the message.
 */
function osReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, errno } = error as NodeJS.ErrnoException;
  const description = errno === undefined ? undefined : getSystemErrorMap().get(errno)?.[1];
  return code && description ? `${description} (${code})` : error.message;
}
