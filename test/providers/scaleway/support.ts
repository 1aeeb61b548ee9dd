/** A Scaleway simulator and an adapter pointed at it, with captured logs and recorded retry waits. */
import type { ScalewaySettings } from '../../../src/config/provider-settings.ts';
import { Secret } from '../../../src/domain/secret.ts';
import { scaleway } from '../../../src/providers/scaleway/index.ts';
import {
  startScalewaySimulator,
  type ScalewayCredentials,
  type ScalewaySimulator,
  type ScalewaySimulatorOptions,
} from '../../../src/simulators/scaleway/index.ts';
import { captureLog } from '../../support/capture-log.ts';

/** The adapter the descriptor builds, with every call it has. */
type Provider = ReturnType<typeof scaleway.create>;

export interface Rig {
  sim: ScalewaySimulator;
  provider: Provider;
  settings: ScalewaySettings;
  /** Every retry wait the adapter asked for, in ms. */
  waits: number[];
  /** Everything logged so far (JSON lines). */
  logs(): string;
  /** Another adapter on the same simulator (other credentials, or no remembered principals). */
  connect(credentials?: ScalewayCredentials, overrides?: Partial<ScalewaySettings>): Provider;
  close(): Promise<void>;
}

export async function startRig(
  options: { simulator?: ScalewaySimulatorOptions; settings?: Partial<ScalewaySettings> } = {},
): Promise<Rig> {
  const sim = await startScalewaySimulator(options.simulator);
  const waits: number[] = [];
  const { log, text } = captureLog();
  const providers: Provider[] = [];
  const settingsFor = (
    credentials: ScalewayCredentials,
    overrides: Partial<ScalewaySettings> = {},
  ): ScalewaySettings => ({
    type: 'scaleway',
    id: 'scw-test',
    timeoutMs: 500,
    maxAttempts: 3,
    organizationId: sim.organizationId,
    secretKey: new Secret(credentials.secretKey),
    accessKey: credentials.accessKey,
    baseUrl: sim.url,
    ...options.settings,
    ...overrides,
  });
  const connect = (credentials = sim.credentials, overrides: Partial<ScalewaySettings> = {}): Provider => {
    const provider = scaleway.create(settingsFor(credentials, overrides), {
      log,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    providers.push(provider);
    return provider;
  };
  const provider = connect();
  return {
    sim,
    provider,
    settings: settingsFor(sim.credentials),
    waits,
    logs: text,
    connect,
    close: async () => {
      await Promise.all(providers.map((p) => p.close()));
      await sim.close();
    },
  };
}

/** The rejection of `promise`, for asserting on ProviderError fields. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

/** Recorded requests to one endpoint, by method and path below the API prefix. */
export function requestsTo(sim: ScalewaySimulator, method: string, path: string | RegExp) {
  return sim.server.requests.filter((r) => {
    if (r.method !== method) return false;
    const below = r.path.replace(/^\/iam\/v1alpha1/, '');
    return typeof path === 'string' ? below === path : path.test(below);
  });
}
