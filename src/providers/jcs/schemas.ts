/**
 * The JCS answers this adapter reads, as zod schemas (WIRE.md §1). Only the fields the adapter uses are
 * kept: ListUsers carries a `password` field that must never travel further. Shapes marked [guess] are
 * not documented anywhere; a wrong guess fails parsing loudly rather than reading as "nothing there".
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

const user = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullish(),
  group_count: z.number().optional(),
});
export type JcsUser = z.output<typeof user>;

export const listUsersSchema = z.object({ users: z.array(user) });
export const getUserSchema = z.object({ user });
/** [guess] ListUserInGroup answers like ListUsers. */
export const listUserInGroupSchema = z.object({ users: z.array(user) });

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
 * [guess] ListVirtualMFADevices: the device list under `virtual_mfa_devices`, each with its `name` and the
 * `user_id` it is attached to (null when unassigned). `user_id` is required so a different shape fails.
 */
export const listMfaDevicesSchema = z.object({
  virtual_mfa_devices: z.array(z.object({ name: z.string(), user_id: z.string().nullable() })),
});

export const errorSchema = z.object({
  error: z.object({ code: z.number().optional(), title: z.string().optional(), message: z.string() }),
});
