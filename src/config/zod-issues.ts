/**
 * zod issues → findings with messages written for the person editing the YAML (zod's defaults speak
 * TypeScript: "expected record, received undefined"). Messages never quote the input: it may be a secret.
 */
import type { z } from 'zod';
import type { Finding, PathSegment } from './problems.ts';

type RawIssue = z.core.$ZodRawIssue;

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

function describe(input: unknown): string {
  if (input === null) return 'nothing';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'boolean') return 'true/false';
  return `a ${typeof input}`;
}

/** Keys an object schema accepts, to answer a typo with the right spelling. */
function shapeKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  return shape ? Object.keys(shape) : [];
}

/** Per-parse error map: only overrides zod's defaults; schema-level messages still win. */
export function issueMessage(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'required';
      if (issue.expected === 'int' && typeof issue.input === 'number')
        return `expected a whole number, got ${issue.input}`;
      const got = describe(issue.input);
      // YAML reads `0123` as the number 123: quoting keeps ids intact.
      const hint =
        issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean')
          ? ' (put it in quotes)'
          : '';
      return `expected ${NOUNS[issue.expected] ?? issue.expected}, got ${got}${hint}`;
    }
    case 'unrecognized_keys': {
      const allowed = shapeKeys(issue.inst);
      return allowed.length > 0 ? `unknown key; expected one of: ${allowed.join(', ')}` : 'unknown key';
    }
    case 'invalid_value': {
      const values = issue.values.map(String).join(', ');
      if (issue.input === undefined) return issue.values.length === 1 ? 'required' : `required, one of: ${values}`;
      return issue.values.length === 1 ? `expected ${values}` : `expected one of: ${values}`;
    }
    case 'invalid_union': {
      if (!('discriminator' in issue) || !issue.discriminator) return undefined;
      const options = ((issue.options ?? []) as unknown[]).map(String).join(', ');
      const value = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
      return value === undefined ? `required, one of: ${options}` : `expected one of: ${options}`;
    }
    case 'invalid_key':
      return issue.issues[0]?.message;
    case 'too_small':
      if (issue.origin === 'array') return `needs at least ${String(issue.minimum)} item(s)`;
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `takes at most ${String(issue.maximum)} item(s)`;
      return `must be at most ${String(issue.maximum)}`;
    default:
      return undefined;
  }
}

export function findingsFromZod(issues: readonly z.core.$ZodIssue[], prefix: readonly PathSegment[] = []): Finding[] {
  const findings: Finding[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    if (issue.code === 'unrecognized_keys') {
      // One finding per key, each pointing at its own key.
      for (const key of issue.keys) findings.push({ path: [...path, key], message: issue.message, at: 'key' });
    } else if (issue.code === 'invalid_key') {
      findings.push({ path, message: issue.message, at: 'key' });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // A name-or-object union: when the input has the shape of one option, that option's issues say more.
      const sameShape = issue.errors.filter(
        (branch) => !branch.every((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
      );
      const only = sameShape.length === 1 ? sameShape[0] : undefined;
      if (only) findings.push(...findingsFromZod(only, path));
      else findings.push({ path, message: issue.message });
    } else {
      findings.push({ path, message: issue.message });
    }
  }
  return findings;
}
