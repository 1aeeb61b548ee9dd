/** A JCS simulator and an adapter pointed at it, with captured logs and recorded (not slept) retry waits. */
import type { JcsSettings } from '../../../src/config/provider-settings.ts';
import { Secret } from '../../../src/domain/secret.ts';
import { jcs } from '../../../src/providers/jcs/index.ts';
import { startJcsSimulator, type JcsSimulator, type JcsSimulatorOptions } from '../../../src/simulators/jcs/index.ts';
import type { Fault, SimServer } from '../../../src/simulators/shared/sim-server.ts';
import { captureLog } from '../../support/capture-log.ts';

/** The adapter the descriptor builds, with every call it has. */
type Provider = ReturnType<typeof jcs.create>;

export interface Rig {
  sim: JcsSimulator;
  provider: Provider;
  settings: JcsSettings;
  /** Retry waits asked of `sleep`, in ms. */
  waits: number[];
  /** Everything logged so far (JSON lines). */
  logs(): string;
  close(): Promise<void>;
}

export async function rig(options: { sim?: JcsSimulatorOptions; settings?: Partial<JcsSettings> } = {}): Promise<Rig> {
  const sim = await startJcsSimulator(options.sim);
  const { log, text } = captureLog();
  const waits: number[] = [];
  const settings: JcsSettings = {
    type: 'jcs',
    id: 'jcs-test',
    endpoint: sim.url,
    accessKey: new Secret(sim.credentials.accessKey),
    secretKey: new Secret(sim.credentials.secretKey),
    timeoutMs: 2_000,
    maxAttempts: 3,
    mfaDeviceName: '{user}',
    ...options.settings,
  };
  const provider = jcs.create(settings, {
    log,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return {
    sim,
    provider,
    settings,
    waits,
    logs: text,
    async close() {
      await provider.close();
      await sim.close();
    },
  };
}

/** The `nth` next request (1: the very next) meets `fault`; those before it pass untouched. */
export function injectAt(server: SimServer, nth: number, fault: Fault): void {
  server.inject({ type: 'latency', ms: 0 }, nth - 1);
  server.inject(fault);
}

/** The Action of every request the simulator received, in order. */
export function actionsSent(server: SimServer): string[] {
  return server.requests.map((request) => request.query.get('Action') ?? '');
}
