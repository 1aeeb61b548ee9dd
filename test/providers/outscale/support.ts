/** An Outscale adapter wired to a fresh simulator, with captured logs and recorded retry waits. */
import { expect } from 'vitest';
import type { OutscaleSettings } from '../../../src/config/provider-settings.ts';
import { Secret } from '../../../src/domain/secret.ts';
import { ProviderError, type PrincipalRef } from '../../../src/workflow/ports.ts';
import { outscale } from '../../../src/providers/outscale/index.ts';
import {
  startOutscaleSimulator,
  type OutscaleSimulator,
  type OutscaleSimulatorOptions,
} from '../../../src/simulators/outscale/index.ts';
import { captureLog } from '../../support/capture-log.ts';

/** The adapter the descriptor builds, with every call it has. */
type Provider = ReturnType<typeof outscale.create>;

export interface Rig {
  sim: OutscaleSimulator;
  provider: Provider;
  settings: OutscaleSettings;
  /** Everything logged, as text. */
  logs: () => string;
  /** Delays the HTTP layer waited before retries. */
  waits: number[];
  /** Another adapter on the same simulator, e.g. with other credentials. */
  connect: (overrides: Partial<OutscaleSettings>) => Provider;
  /** The EIM actions the simulator received, in order. */
  actions: () => string[];
  close: () => Promise<void>;
}

export async function startRig(
  options: { sim?: OutscaleSimulatorOptions; settings?: Partial<OutscaleSettings> } = {},
): Promise<Rig> {
  const sim = await startOutscaleSimulator(options.sim);
  const { log, text } = captureLog();
  const waits: number[] = [];
  const settings: OutscaleSettings = {
    type: 'outscale',
    id: 'osc-test',
    region: sim.region,
    accessKey: new Secret(sim.credentials.accessKeyId),
    secretKey: new Secret(sim.credentials.secretAccessKey),
    service: 'eim',
    endpoint: sim.url,
    timeoutMs: 1_000,
    maxAttempts: 3,
    ...options.settings,
  };
  const opened: Provider[] = [];
  const connect = (overrides: Partial<OutscaleSettings>): Provider => {
    const provider = outscale.create(
      { ...settings, ...overrides },
      {
        log,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    opened.push(provider);
    return provider;
  };
  const provider = connect({});
  return {
    sim,
    provider,
    settings,
    logs: text,
    waits,
    connect,
    actions: () => sim.server.requests.map((request) => new URLSearchParams(request.body).get('Action') ?? '?'),
    close: async () => {
      for (const p of opened) await p.close();
      await sim.close();
    },
  };
}

/** Seeds a user and returns it as the adapter names principals. */
export function seedUser(sim: OutscaleSimulator, name: string, options?: { allow?: readonly string[] }): PrincipalRef {
  const user = sim.state.addUser(name, options);
  return { id: user.id, name: user.name };
}

/** The ProviderError a call fails with; the test fails if it succeeds or fails otherwise. */
export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/**
 * The servers a multi-page list test runs against: EIM as its reference documents it (ListUsers, ListGroups,
 * GetGroup and ListGroupsForUser answer whole lists and refuse paging parameters), and an AWS-compatible
 * server that pages those lists anyway, 100 at a time (docs/providers/outscale.md: follow `Marker` when an answer has one).
 */
export const LIST_SERVERS = [
  { server: 'as documented, whole lists', lists: {}, pages: (_items: number) => 1 },
  {
    server: 'paging them anyway, 100 a page',
    lists: { pageUndocumentedLists: true },
    pages: (items: number) => Math.ceil(items / 100),
  },
] as const;

/** The paging parameters of each request the simulator received for `action`: what a server could refuse. */
export function pagingSent(sim: OutscaleSimulator, action: string): { maxItems: boolean; marker: boolean }[] {
  return sim.server.requests
    .map((request) => new URLSearchParams(request.body))
    .filter((params) => params.get('Action') === action)
    .map((params) => ({ maxItems: params.has('MaxItems'), marker: params.has('Marker') }));
}
