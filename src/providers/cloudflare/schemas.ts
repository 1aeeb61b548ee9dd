/**
 * Cloudflare API v4 answers, parsed into what the adapter works with. Every schema keeps only the
 * fields the bot reads, and unknown fields are ignored so new ones Cloudflare adds break nothing.
 */
import { z } from 'zod';
import type { GroupRef, KeyInfo, PrincipalRef } from '../../workflow/ports.ts';

/** `result_info` of a paginated list; some lists leave out fields, so all are optional. */
const resultInfoSchema = z.object({
  page: z.number().optional(),
  per_page: z.number().optional(),
  count: z.number().optional(),
  total_count: z.number().optional(),
});

export type ResultInfo = z.infer<typeof resultInfoSchema>;

/** The envelope around every answer; `result` is parsed by the caller's schema. */
export const envelopeSchema = z.object({
  success: z.boolean(),
  result: z.unknown(),
  result_info: resultInfoSchema.nullish(),
});

interface Problem {
  code: number;
  message: string;
  error_chain?: Problem[] | undefined;
}

// Authentication failures nest the precise cause in `error_chain` (6003 → 6111 for a malformed header).
const problemSchema: z.ZodType<Problem> = z.lazy(() =>
  z.object({ code: z.number(), message: z.string(), error_chain: z.array(problemSchema).optional() }),
);

export const failureSchema = z.object({ errors: z.array(problemSchema) });

export type { Problem };

/** A user group (`/accounts/{a}/iam/user_groups`). */
export const userGroupSchema = z
  .object({ id: z.string(), name: z.string() })
  .transform((g): GroupRef => ({ id: g.id, name: g.name }));

/** A member as a user group lists it: `id` is the account membership id. */
export const groupMemberSchema = z.object({ id: z.string() });

/**
 * A listed group member as the port names a person: the membership id and, as `resolvePrincipal` does,
 * the email (optional in Cloudflare's schema; the id stands in when it is missing).
 */
export const groupMemberRefSchema = groupMemberSchema
  .extend({ email: z.string().optional() })
  .transform((m): PrincipalRef => ({ id: m.id, name: m.email ?? m.id }));

/** An account membership (`/accounts/{a}/members`): a person is matched by `user.email`. */
export const accountMemberSchema = z
  .object({ id: z.string(), user: z.object({ email: z.string() }) })
  .transform((m): PrincipalRef => ({ id: m.id, name: m.user.email }));

/** An account-owned API token; its value is never listed, only returned once by a roll. */
export const tokenSchema = z
  .object({ id: z.string(), name: z.string(), status: z.string(), issued_on: z.string().optional() })
  .transform((t) => {
    // Cloudflare says active, disabled or expired: only an active token authenticates.
    const key: KeyInfo = { id: t.id, status: t.status === 'active' ? 'active' : 'inactive' };
    if (t.issued_on) key.createdAt = t.issued_on;
    return { principal: { id: t.id, name: t.name } satisfies PrincipalRef, key };
  });

export type TokenInfo = z.output<typeof tokenSchema>;

/** A roll answers the new token value as a bare string. */
export const rolledValueSchema = z.string().min(1);
