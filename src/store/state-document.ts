/**
 * The live document (`state.json`): open requests, the audit and notice outboxes, counters, and sealed
 * secrets. Small by design. Fields added since the first release default to empty, so earlier files open.
 */
import { z } from 'zod';
import type { AuditHead, AuditRecord } from '../domain/audit-event.ts';
import { isRequestNotice, type Notice } from '../domain/notice.ts';
import { upgradeRequest } from '../domain/upgrade.ts';
import type { Request } from '../domain/request.ts';
import type { Review } from '../domain/review.ts';
import { StoreOpenError } from '../shared/store-open-error.ts';
import type { SecretRecord } from './section-rules.ts';

const SCHEMA_VERSION = 1;

export interface StateDocument {
  schema: typeof SCHEMA_VERSION;
  nextNumber: number;
  open: Request[];
  outbox: AuditRecord[];
  notices: Notice[];
  auditHead?: AuditHead;
  /** Person → times of their recent submissions (the rate limit's window). */
  submissions: Record<string, number[]>;
  /** Allowance key → its window and the times of its recent uses (auto-approval caps, break-glass limits). */
  uses: Record<string, { windowMs: number; times: number[] }>;
  /** New secrets, sealed (never in clear), and what became of them. */
  secrets: SecretRecord[];
  /** Access reviews requested or open (closed ones are in `reviews.jsonl`). */
  reviews: Review[];
}

// The envelope is checked strictly; request bodies are the store's own output and are checked for the
// fields the store relies on.
const requestShape = z.looseObject({
  id: z.string().min(1),
  number: z.number().int().positive(),
  version: z.number().int().positive(),
  requester: z.string(),
  status: z.looseObject({ state: z.string() }),
});

const documentShape = z.object({
  schema: z.literal(SCHEMA_VERSION),
  nextNumber: z.number().int().positive(),
  open: z.array(requestShape),
  outbox: z.array(z.looseObject({ eventId: z.string(), event: z.string() })),
  notices: z.array(z.looseObject({ id: z.string(), event: z.string(), request: requestShape.optional() })).default([]),
  auditHead: z.object({ seq: z.number().int().positive(), hash: z.string(), eventId: z.string() }).optional(),
  submissions: z.record(z.string(), z.array(z.number())).default({}),
  uses: z.record(z.string(), z.object({ windowMs: z.number(), times: z.array(z.number()) })).default({}),
  secrets: z
    .array(
      z.object({
        requestId: z.string(),
        owner: z.string(),
        expiresAt: z.number(),
        sealed: z.string().optional(),
        lentUntil: z.number().optional(),
        revealed: z.literal(true).optional(),
      }),
    )
    .default([]),
  reviews: z
    .array(
      z.looseObject({ id: z.string().min(1), version: z.number().int().positive(), members: z.array(z.unknown()) }),
    )
    .default([]),
});

export function emptyDocument(): StateDocument {
  return {
    schema: SCHEMA_VERSION,
    nextNumber: 1,
    open: [],
    outbox: [],
    notices: [],
    submissions: {},
    uses: {},
    secrets: [],
    reviews: [],
  };
}

export function parseStateDocument(file: string) {
  return (value: unknown): StateDocument => {
    const schema = (value as { schema?: unknown } | null)?.schema;
    if (typeof schema === 'number' && schema > SCHEMA_VERSION) {
      throw new StoreOpenError(
        `${file} was written by a newer iam-bot (schema ${schema}); this one reads schema ${SCHEMA_VERSION}. Upgrade iam-bot; the file was left untouched.`,
      );
    }
    const parsed = documentShape.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'the document';
      throw new StoreOpenError(
        `${file} is not an iam-bot state document (${where}: ${issue?.message ?? 'invalid'}). iam-bot will not overwrite it: restore it from a backup or move it aside.`,
      );
    }
    const doc = parsed.data as unknown as StateDocument;
    return {
      ...doc,
      open: doc.open.map(upgradeRequest),
      notices: doc.notices.map((n) => (isRequestNotice(n) ? { ...n, request: upgradeRequest(n.request) } : n)),
    };
  };
}
