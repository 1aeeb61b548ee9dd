/**
 * The sections the cross-reference checks and the secret resolution look at. When the file as a whole
 * fails validation, each entry is still validated on its own, so a typo in one catalog item does not hide
 * an unknown set name in another: the person gets every problem in one run.
 */
import type { z } from 'zod';
import {
  approverSetSchema,
  autoApproveRuleSchema,
  breakGlassSchema,
  catalogItemSchema,
  identitySchema,
  providerSchema,
  reviewSchema,
  stageSchema,
  type ApproverSetConfig,
  type AutoApproveRuleConfig,
  type BreakGlassConfig,
  type CatalogItemConfig,
  type IdentityConfig,
  type PolicyFile,
  type ProviderConfig,
  type ReviewConfig,
  type StageConfig,
} from './policy-schema.ts';

/**
 * A catalog item with only its well-formed fields; a stage or rule that is not well formed is undefined;
 * break-glass keeps its well-formed fields.
 */
export type LooseCatalogItem = {
  [K in Exclude<keyof CatalogItemConfig, 'approvers' | 'autoApprove' | 'breakGlass'>]?: CatalogItemConfig[K];
} & {
  approvers?: readonly (StageConfig | undefined)[];
  autoApprove?: readonly (AutoApproveRuleConfig | undefined)[];
  breakGlass?: Partial<BreakGlassConfig>;
};

export interface PolicyParts {
  /** Every provider id written in the file; undefined values failed their own validation. */
  providers: Readonly<Record<string, ProviderConfig | undefined>>;
  /** Every approver set name written in the file; undefined values failed their own validation. */
  sets: Readonly<Record<string, ApproverSetConfig | undefined>>;
  admins?: string;
  /** Index-aligned with the file; undefined entries are not even a mapping. */
  catalog: readonly (LooseCatalogItem | undefined)[];
  identity?: IdentityConfig;
  /** Index-aligned with the file's `reviews:`; each field only when well formed. */
  reviews?: readonly (Partial<ReviewConfig> | undefined)[];
}

export function partsOf(file: PolicyFile): PolicyParts {
  return {
    providers: file.providers,
    sets: file.approvers,
    admins: file.admins,
    catalog: file.catalog,
    identity: file.identity,
    reviews: file.reviews,
  };
}

/** Best effort over data that failed validation: whatever is well formed on its own. */
export function salvageParts(data: unknown): PolicyParts {
  const root = asRecord(data) ?? {};
  const catalog = Array.isArray(root.catalog) ? (root.catalog as unknown[]) : [];
  return {
    providers: mapValues(asRecord(root.providers) ?? {}, (value) => valid(providerSchema, value)),
    sets: mapValues(asRecord(root.approvers) ?? {}, (value) => valid(approverSetSchema, value)),
    admins: typeof root.admins === 'string' ? root.admins : undefined,
    catalog: catalog.map(looseItem),
    identity: valid(identitySchema, root.identity ?? {}),
    reviews: Array.isArray(root.reviews) ? (root.reviews as unknown[]).map(looseReview) : [],
  };
}

/**
 * Field by field, so that a bad duration in an item does not hide its unknown set name. Per-field
 * validation cannot see unknown keys, which the whole-file validation has already reported.
 */
function looseItem(value: unknown): LooseCatalogItem | undefined {
  const raw = asRecord(value);
  if (!raw) return undefined;
  const item: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(catalogItemSchema.shape)) {
    const field = valid(schema, raw[key]);
    if (field !== undefined) item[key] = field;
  }
  if (item.approvers === undefined && Array.isArray(raw.approvers)) {
    item.approvers = (raw.approvers as unknown[]).map((stage) => valid(stageSchema, stage));
  }
  if (item.autoApprove === undefined && Array.isArray(raw.autoApprove)) {
    item.autoApprove = (raw.autoApprove as unknown[]).map((rule) => valid(autoApproveRuleSchema, rule));
  }
  const breakGlass = asRecord(raw.breakGlass);
  if (item.breakGlass === undefined && breakGlass) {
    const fields: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(breakGlassSchema.shape)) {
      const field = valid(schema, breakGlass[key]);
      if (field !== undefined) fields[key] = field;
    }
    item.breakGlass = fields;
  }
  // Each field was produced by the schema of that same key.
  return item as LooseCatalogItem;
}

function looseReview(value: unknown): Partial<ReviewConfig> | undefined {
  const raw = asRecord(value);
  if (!raw) return undefined;
  const review: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(reviewSchema.shape)) {
    const field = valid(schema, raw[key]);
    if (field !== undefined) review[key] = field;
  }
  return review as Partial<ReviewConfig>;
}

function valid<S extends z.ZodType>(schema: S, value: unknown): z.output<S> | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function mapValues<T>(record: Record<string, unknown>, fn: (value: unknown) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}
