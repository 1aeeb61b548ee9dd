/**
 * A local Scaleway IAM v1alpha1 on 127.0.0.1, for tests, the sandbox and benchmarks. It starts with two
 * applications and their API keys: `iam-bot` (allowed everything in IAM) and `iam-bot-readonly`
 * (reads only). Seed users, groups and applications through `state`.
 */
import { randomUUID } from 'node:crypto';
import { SimServer } from '../shared/sim-server.ts';
import { ScalewayApi, type DuplicateMember } from './api.ts';
import { faultResponse } from './errors.ts';
import { ScalewayState } from './state.ts';

export type { DuplicateMember } from './api.ts';
export type { Access, BearerKind, ScalewayState, SimApiKey, SimApplication, SimGroup, SimUser } from './state.ts';

/** Scaleway's IAM FAQ: "Each Organization can have up to 100 API keys." */
const DOCUMENTED_API_KEY_QUOTA = 100;
/** [guess] The page size of a list that names none; Scaleway documents only the 1–100 range. */
const DEFAULT_PAGE_SIZE = 20;

export interface ScalewaySimulatorOptions {
  organizationId?: string;
  /** API keys the Organization may hold, all bearers together. */
  apiKeyQuota?: number;
  defaultPageSize?: number;
  /** A second add of the same member: refused with `already_exists` (default) or accepted ([guess]). */
  duplicateMember?: DuplicateMember;
  port?: number;
}

export interface ScalewayCredentials {
  accessKey: string;
  secretKey: string;
}

export interface ScalewaySimulator {
  /** The API base URL (what `baseUrl` / the SDK's `apiURL` take). */
  url: string;
  server: SimServer;
  state: ScalewayState;
  organizationId: string;
  /** An API key of the application `iam-bot`, which may do everything in IAM. */
  credentials: ScalewayCredentials;
  /** An API key of the application `iam-bot-readonly`, which may only read. */
  readOnlyCredentials: ScalewayCredentials;
  /** The next `count` group edits answer 409 `transient_state`, as a concurrent edit would cause. */
  forceTransientState(count?: number): void;
  close(): Promise<void>;
}

export async function startScalewaySimulator(options: ScalewaySimulatorOptions = {}): Promise<ScalewaySimulator> {
  const organizationId = options.organizationId ?? randomUUID();
  const state = new ScalewayState(organizationId);
  const api = new ScalewayApi(state, {
    apiKeyQuota: options.apiKeyQuota ?? DOCUMENTED_API_KEY_QUOTA,
    defaultPageSize: options.defaultPageSize ?? DEFAULT_PAGE_SIZE,
    duplicateMember: options.duplicateMember ?? 'refuse',
  });
  const credentialsOf = (name: string, access: 'manager' | 'read-only'): ScalewayCredentials => {
    const app = state.addApplication({ name, access });
    const key = state.addApiKey({ bearer: { kind: 'application', id: app.id }, description: `${name} credentials` });
    return { accessKey: key.accessKey, secretKey: key.secretKey };
  };
  const credentials = credentialsOf('iam-bot', 'manager');
  const readOnlyCredentials = credentialsOf('iam-bot-readonly', 'read-only');
  const server = await SimServer.start((request) => api.handle(request), {
    faultResponse,
    ...(options.port !== undefined && { port: options.port }),
  });
  return {
    url: server.url,
    server,
    state,
    organizationId,
    credentials,
    readOnlyCredentials,
    forceTransientState: (count) => api.forceTransientState(count),
    close: () => server.close(),
  };
}
