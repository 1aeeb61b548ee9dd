/** Shared test builders: a small policy and requests made through the real domain functions. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_GRANT_SETTINGS,
  DEFAULT_REQUEST_SETTINGS,
  type CatalogItem,
  type Policy,
} from '../../src/domain/policy.ts';
import type { Request } from '../../src/domain/request.ts';
import { submit, transition, type RequestEvent } from '../../src/domain/transitions.ts';

export const T0 = Date.UTC(2026, 10, 21, 9, 0, 0);

export const groupItem: CatalogItem = {
  id: 'cf-admins',
  title: 'Cloudflare admins',
  provider: 'cf',
  kind: 'group.add',
  group: 'admins',
  stages: [{ set: 'leads', quorum: 1 }],
  maxDurationMs: 8 * 3_600_000,
  requireReason: true,
};

export function makeRequest(
  number: number,
  overrides: { requester?: string; item?: CatalogItem; durationMs?: number } = {},
): Request {
  const result = submit({
    id: `id-${number}`,
    number,
    item: overrides.item ?? groupItem,
    requester: overrides.requester ?? 'U_ALICE',
    requesterAllowed: true,
    reason: 'on call',
    durationMs: 'durationMs' in overrides ? overrides.durationMs : 3_600_000,
    now: T0,
    settings: DEFAULT_REQUEST_SETTINGS,
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

export function apply(request: Request, event: RequestEvent, now = T0 + 1_000): Request {
  const result = transition(request, event, now);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

export function denied(request: Request): Request {
  return apply(request, { type: 'deny', actor: 'U_BOB', eligible: true, reason: 'not now' });
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'iam-bot-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export const basePolicy: Policy = {
  providers: { cf: 'cloudflare' },
  sets: {
    leads: { name: 'leads', users: ['U_BOB', 'U_CAROL'], usergroups: [], manager: false },
    managers: { name: 'managers', users: [], usergroups: [], manager: true },
    admins: { name: 'admins', users: ['U_ADMIN'], usergroups: [], manager: false },
  },
  admins: 'admins',
  catalog: [groupItem],
  requests: DEFAULT_REQUEST_SETTINGS,
  grants: DEFAULT_GRANT_SETTINGS,
  identity: { default: 'email', providers: {}, map: {} },
  managers: { U_ALICE: 'U_MANAGER' },
  audit: {},
};
