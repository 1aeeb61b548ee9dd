/**
 * Credentials in the policy file are references to environment variables (`env:NAME`), never values:
 * the file gets committed, reviewed and pasted into tickets, the environment does not.
 */
import { z } from 'zod';
import { Secret } from '../domain/secret.ts';

const LITERAL_SECRET_MESSAGE = 'must be an env:NAME reference, never the secret itself';

const ENV_REF = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/** A parsed `env:NAME` reference; resolved against an environment once the whole file is valid. */
export class EnvRef {
  constructor(readonly name: string) {}

  toString(): string {
    return `env:${this.name}`;
  }
}

/**
 * Only the shape is checked here. The message never repeats the input: a literal would be the
 * secret itself, and errors end up in terminals and CI logs.
 */
export const secretRefSchema = z.string({ error: LITERAL_SECRET_MESSAGE }).transform((text, ctx) => {
  const match = ENV_REF.exec(text.trim());
  if (match?.[1]) return new EnvRef(match[1]);
  ctx.issues.push({
    code: 'custom',
    input: undefined,
    message: text.trim().startsWith('env:')
      ? 'expected env:NAME where NAME is made of letters, digits and _'
      : LITERAL_SECRET_MESSAGE,
  });
  return z.NEVER;
});

export type SecretResolution = { ok: true; secret: Secret } | { ok: false; message: string };

/** An empty variable counts as missing: no provider accepts an empty credential. */
export function resolveEnvRef(ref: EnvRef, env: NodeJS.ProcessEnv): SecretResolution {
  const value = env[ref.name];
  if (value === undefined) return { ok: false, message: `environment variable ${ref.name} is not set` };
  if (value === '') return { ok: false, message: `environment variable ${ref.name} is empty` };
  return { ok: true, secret: new Secret(value) };
}
