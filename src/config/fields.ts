/**
 * Field schemas shared by the policy file and by each provider's section of it (src/providers/<p>/settings.ts):
 * one wording of every field error, whoever declares the field.
 */
import { z } from 'zod';
import { parseDuration } from '../domain/duration.ts';

/** Every provider call has a timeout and bounded retries, even when the file says nothing. */
const DEFAULT_PROVIDER_TIMEOUT_MS = 10_000;
const DEFAULT_PROVIDER_MAX_ATTEMPTS = 3;

const DURATION_MESSAGE = 'expected a duration like 8h';

export const text = z.string().trim().min(1, 'must not be empty');

export const durationSchema = z.string({ error: DURATION_MESSAGE }).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms !== undefined) return ms;
  ctx.issues.push({ code: 'custom', input: value, message: DURATION_MESSAGE });
  return z.NEVER;
});

// A trailing slash would double up when paths are appended.
export const urlSchema = z
  .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
  .transform((url) => url.replace(/\/+$/, ''));

/** The fields every provider section has. */
export const providerCommonFields = {
  timeout: durationSchema.default(DEFAULT_PROVIDER_TIMEOUT_MS),
  maxAttempts: z
    .int()
    .min(1, 'must be at least 1')
    .max(10, 'must be at most 10')
    .default(DEFAULT_PROVIDER_MAX_ATTEMPTS),
};
