/** A Cloudflare simulator and an adapter pointed at it, with captured logs and recorded retry waits. */
import type { CloudflareSettings } from '../../../src/config/provider-settings.ts';
import { Secret } from '../../../src/domain/secret.ts';
import { cloudflare } from '../../../src/providers/cloudflare/index.ts';
import type { SimRequest } from '../../../src/simulators/shared/sim-server.ts';
import {
  startCloudflareSimulator,
  type CloudflareSimulator,
  type CloudflareSimulatorOptions,
} from '../../../src/simulators/cloudflare/index.ts';
import { captureLog } from '../../support/capture-log.ts';

/** The adapter the descriptor builds, with every call it has. */
type Provider = ReturnType<typeof cloudflare.create>;

export interface Rig {
  sim: CloudflareSimulator;
  provider: Provider;
  /** Everything the adapter logged, as text. */
  logs: () => string;
  /** Delays the HTTP layer asked for before retries (none is really waited). */
  waits: number[];
  /** An adapter with other settings on the same simulator (closed with the rig). */
  providerWith: (overrides: Partial<CloudflareSettings>) => Provider;
  close: () => Promise<void>;
}

export async function rig(options: CloudflareSimulatorOptions = {}): Promise<Rig> {
  const sim = await startCloudflareSimulator(options);
  const { log, text } = captureLog();
  const waits: number[] = [];
  const providers: Provider[] = [];
  const providerWith = (overrides: Partial<CloudflareSettings>): Provider => {
    const settings: CloudflareSettings = {
      type: 'cloudflare',
      id: 'cf-test',
      timeoutMs: 1_000,
      maxAttempts: 3,
      accountId: sim.accountId,
      token: new Secret(sim.credentials.token),
      baseUrl: sim.url,
      ...overrides,
    };
    const provider = cloudflare.create(settings, {
      log,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    providers.push(provider);
    return provider;
  };
  return {
    sim,
    provider: providerWith({}),
    logs: text,
    waits,
    providerWith,
    close: async () => {
      await Promise.all(providers.map((p) => p.close()));
      await sim.close();
    },
  };
}

/** Requests as "METHOD /path?query", without the account prefix, for readable assertions. */
export function calls(sim: CloudflareSimulator, from = 0): string[] {
  return sim.server.requests
    .slice(from)
    .map((r: SimRequest) => `${r.method} ${r.target.replace(`/accounts/${sim.accountId}`, '')}`);
}

/** Seeds `count` account members named user-000@example.com … in a shuffled order. */
export function seedMembers(sim: CloudflareSimulator, count: number) {
  const emails = Array.from({ length: count }, (_, i) => `user-${String(i).padStart(3, '0')}@example.com`);
  // Reverse so that insertion order differs from email order: the simulator must sort as asked.
  return emails.reverse().map((email) => sim.state.addMember(email));
}
