/**
 * Scaleway IAM v1alpha1 response bodies, parsed into the few fields the adapter uses. Objects are not
 * strict: Scaleway adds fields over time, and an unknown field must not break a rotation.
 */
import { z } from 'zod';

const timestamp = z.string().nullish();
const count = z.number().int().nonnegative();

export const userSchema = z
  .object({ id: z.string(), email: z.string(), username: z.string().default(''), mfa: z.boolean() })
  .transform((u) => ({ id: u.id, email: u.email, username: u.username, mfa: u.mfa }));
type ScalewayUser = z.output<typeof userSchema>;

export const applicationSchema = z.object({ id: z.string(), name: z.string() });
type ScalewayApplication = z.output<typeof applicationSchema>;

export const groupSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    user_ids: z.array(z.string()),
    application_ids: z.array(z.string()),
  })
  .transform((g) => ({ id: g.id, name: g.name, userIds: g.user_ids, applicationIds: g.application_ids }));
export type ScalewayGroup = z.output<typeof groupSchema>;

const apiKeyFields = z.object({
  access_key: z.string(),
  description: z.string().default(''),
  created_at: timestamp,
  expires_at: timestamp,
  user_id: z.string().nullish(),
  application_id: z.string().nullish(),
});

const ONE_BEARER = 'an API key has exactly one bearer (user_id or application_id)';
function hasOneBearer(k: { user_id?: string | null | undefined; application_id?: string | null | undefined }): boolean {
  return Boolean(k.user_id) !== Boolean(k.application_id);
}

function toApiKey(k: z.output<typeof apiKeyFields>) {
  return {
    accessKey: k.access_key,
    description: k.description,
    createdAt: k.created_at ?? undefined,
    expiresAt: k.expires_at ?? undefined,
    bearer: k.user_id
      ? { kind: 'user' as const, id: k.user_id }
      : { kind: 'application' as const, id: k.application_id ?? '' },
  };
}

export const apiKeySchema = apiKeyFields.refine(hasOneBearer, ONE_BEARER).transform(toApiKey);
export type ScalewayApiKey = z.output<typeof apiKeySchema>;

/** Only the creation answer carries the secret; it is the one response the adapter must not log. */
export const createdApiKeySchema = apiKeyFields
  .extend({ secret_key: z.string().min(1) })
  .refine(hasOneBearer, ONE_BEARER)
  .transform((k) => ({ key: toApiKey(k), secretKey: k.secret_key }));

/** Deletions answer 204 with an empty body; whatever comes is ignored. */
export const noContentSchema = z.unknown();

export interface Page<T> {
  items: T[];
  total: number;
}

export const userPageSchema = z
  .object({ users: z.array(userSchema), total_count: count })
  .transform((p): Page<ScalewayUser> => ({ items: p.users, total: p.total_count }));
export const applicationPageSchema = z
  .object({ applications: z.array(applicationSchema), total_count: count })
  .transform((p): Page<ScalewayApplication> => ({ items: p.applications, total: p.total_count }));
export const groupPageSchema = z
  .object({ groups: z.array(groupSchema), total_count: count })
  .transform((p): Page<ScalewayGroup> => ({ items: p.groups, total: p.total_count }));
export const apiKeyPageSchema = z
  .object({ api_keys: z.array(apiKeySchema), total_count: count })
  .transform((p): Page<ScalewayApiKey> => ({ items: p.api_keys, total: p.total_count }));

/**
 * Scaleway errors are flat JSON keyed on `type`; the other fields depend on it (`details` lists invalid
 * arguments, denied permissions or exceeded quotas). One permissive shape covers them all.
 */
const errorDetailSchema = z.object({
  argument_name: z.string().optional(),
  reason: z.string().optional(),
  help_message: z.string().optional(),
  action: z.string().optional(),
  resource: z.string().optional(),
  quota: z.number().optional(),
  current: z.number().optional(),
});

export const errorBodySchema = z
  .object({
    type: z.string(),
    message: z.string().default(''),
    resource: z.string().optional(),
    resource_id: z.string().optional(),
    current_state: z.string().optional(),
    method: z.string().optional(),
    reason: z.string().optional(),
    help_message: z.string().optional(),
    reset_seconds: z.number().nonnegative().optional(),
    details: z.array(errorDetailSchema).default([]),
  })
  .transform((e) => ({
    type: e.type,
    message: e.message,
    resource: e.resource,
    resourceId: e.resource_id,
    currentState: e.current_state,
    reason: e.reason,
    helpMessage: e.help_message,
    resetSeconds: e.reset_seconds,
    details: e.details.map((d) => ({
      argumentName: d.argument_name,
      reason: d.reason,
      helpMessage: d.help_message,
      action: d.action,
      resource: d.resource,
      quota: d.quota,
      current: d.current,
    })),
  }));
export type ScalewayErrorBody = z.output<typeof errorBodySchema>;
