/**
 * What is wrong with a policy file, said the way editors and CI annotate files:
 * `policy.yml:14:5: catalog[2].maxDuration: expected a duration like 8h`.
 */
import { IamBotError } from '../shared/errors.ts';

export type PathSegment = string | number;

/** A problem found before positions are known: where in the document tree, and what. */
export interface Finding {
  path: readonly PathSegment[];
  message: string;
  /** Point at the key of the last path segment rather than its value (unknown or misnamed keys). */
  at?: 'key';
}

export interface PolicyProblem {
  file: string;
  /** 1-based; 0 when the problem has no position (an unreadable file). */
  line: number;
  col: number;
  /** JS-ish: `providers.cf-prod.token`, `catalog[2].approvers[0]`; empty for the file as a whole. */
  path: string;
  message: string;
}

// Ids like `cf-prod` read better bare; keys that look like indexes or hold dots get quoted.
const PLAIN_KEY = /^(?!\d+$)[A-Za-z0-9_$-]+$/;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function formatProblem(problem: PolicyProblem): string {
  const where = problem.line > 0 ? `${problem.file}:${problem.line}:${problem.col}` : problem.file;
  return problem.path ? `${where}: ${problem.path}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** Every problem found in one pass, so a person fixes the file once rather than once per error. */
export class PolicyError extends IamBotError<'policy_invalid'> {
  readonly problems: readonly PolicyProblem[];

  constructor(problems: readonly PolicyProblem[]) {
    super('policy_invalid', problems.map(formatProblem).join('\n'));
    this.name = 'PolicyError';
    this.problems = problems;
  }
}
