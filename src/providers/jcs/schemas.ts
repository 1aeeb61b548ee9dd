/**
 * The JCS answers this adapter reads, as zod schemas (docs/providers/jcs.md, Exact shapes, from the server source).
 * Only the fields the adapter uses are kept: ListUsers carries a `password` field that must never travel
 * further. A shape that differs fails parsing loudly rather than reading as "nothing there".
 */
import { z } from 'zod';
import { Secret } from '../../domain/secret.ts';

/**
 * `blob` is a JSON string in CreateCredential's answer and an object in GetUserCredential's: accept both
 * everywhere. A JSON.parse error message quotes the input, which may hold a secret, so it is not kept.
 */
function blob<T extends z.ZodType>(shape: T) {
  const fromString = z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', message: 'blob is not JSON', input: undefined });
        return z.NEVER;
      }
    })
    .pipe(shape);
  return z.union([shape, fromString]);
}

/** A user as GetUser, ListUsers and ListUserInGroup give one (only ListUsers adds `group_count`). */
const user = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullish(),
});
export type JcsUser = z.output<typeof user>;

export const listUsersSchema = z.object({ users: z.array(user) });
export const getUserSchema = z.object({ user });
export const listUserInGroupSchema = z.object({ users: z.array(user) });

/** ListGroups, and ListGroupsForUser (the same entries without `policies`). */
export const listGroupsSchema = z.object({ groups: z.array(z.object({ id: z.string(), name: z.string() })) });

export const listCredentialsSchema = z.object({
  credentials: z.array(z.object({ id: z.string(), blob: blob(z.object({ access: z.string() })) })),
});

/** The only place a new key's secret appears; it is wrapped as soon as it is read. */
export const createdCredentialSchema = z.object({
  id: z.string(),
  blob: blob(z.object({ access: z.string(), secret: z.string().transform((value) => new Secret(value)) })),
});

/**
 * ListVirtualMFADevices: `{"entities":[{id, name, created_at}]}`, which does not say whose a device is.
 * [guess] a later build may add `user_id` (null when unassigned): read when present.
 */
export const listMfaDevicesSchema = z.object({
  entities: z.array(z.object({ name: z.string(), user_id: z.string().nullish() })),
});
export type JcsMfaDevice = z.output<typeof listMfaDevicesSchema>['entities'][number];

export const errorSchema = z.object({
  error: z.object({ code: z.number().optional(), title: z.string().optional(), message: z.string() }),
});
