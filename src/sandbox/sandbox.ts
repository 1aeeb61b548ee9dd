/**
 * The sandbox: the simulated world, the real bot wired to it (Bolt in HTTP mode with a fresh signing
 * secret, the real adapters, a fresh temporary data directory marked as the sandbox's), and the page's
 * server. Everything listens on 127.0.0.1 only and nothing leaves it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot } from '../app.ts';
import { parsePolicy } from '../config/load-policy.ts';
import { Secret } from '../domain/secret.ts';
import type { Logger } from '../log.ts';
import { SlackDirectory } from '../slack/directory.ts';
import { People } from '../workflow/people.ts';
import { explainRequest } from '../workflow/what-if.ts';
import type { ApiContext } from './api.ts';
import { SandboxClock } from './clock.ts';
import { FastForward } from './fast-forward.ts';
import { loadPageAssets } from './page-assets.ts';
import { DEMO_PERSONAS, type Persona } from './personas.ts';
import { adoptPolicy } from './policy-world.ts';
import { providerCallDescriber } from './provider-calls.ts';
import { startPageServer } from './server.ts';
import { startWorld, type World } from './world.ts';

export interface SandboxOptions {
  log: Logger;
  /** The page's port; 0 picks a free one. */
  port: number;
  /** A policy file to run instead of the demo policy, mapped onto the simulators. */
  policy?: { file: string; text: string };
  /** How often time-driven transitions run (expiries, revokes). */
  tickMs?: number;
}

export interface Sandbox {
  /** http://localhost:PORT */
  url: string;
  port: number;
  world: World;
  api: ApiContext;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  // One clock for the bot and the simulated Slack: the page's clock control moves both.
  const clock = new SandboxClock();
  const world = await startWorld({ slackClock: () => clock.now() });
  const cleanups: (() => Promise<void>)[] = [() => world.close()];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const setup = options.policy
      ? adoptPolicy(world, options.policy.file, options.policy.text)
      : {
          text: world.policy,
          file: 'sandbox-policy.yml',
          env: world.env,
          personas: DEMO_PERSONAS as readonly Persona[],
          notes: [] as string[],
        };
    const config = parsePolicy(setup.text, setup.file, setup.env);
    // Always a fresh directory: the sandbox never sees production data, and leaves nothing behind.
    const dataDir = await mkdtemp(join(tmpdir(), 'iam-bot-sandbox-'));
    cleanups.unshift(() => rm(dataDir, { recursive: true, force: true }));
    // A fresh secret per run: the simulator signs every request with it, exactly as Slack would.
    const signingSecret = randomBytes(24).toString('hex');
    const bot = await startBot({
      slack: {
        botToken: new Secret(world.slack.botToken),
        apiUrl: world.slack.apiUrl,
        mode: { type: 'http', signingSecret: new Secret(signingSecret), port: 0, host: '127.0.0.1' },
      },
      config,
      dataDir,
      world: 'sandbox',
      log: options.log,
      clock,
      tickMs: options.tickMs ?? 5_000,
    });
    cleanups.push(() => bot.stop());
    const client = world.slack.client({
      mode: 'http',
      url: `http://127.0.0.1:${bot.port}/slack/events`,
      signingSecret,
    });
    const directory = new SlackDirectory(bot.app.client, clock, config.policy.managerField);
    const whatIfDeps = {
      policy: config.policy,
      people: new People(config.policy, directory),
      directory,
      describeCall: providerCallDescriber(config.providers),
      uses: bot.services.store.uses,
      clock,
    };
    const api: ApiContext = {
      world,
      bot,
      client,
      policy: config.policy,
      personas: setup.personas,
      notes: setup.notes,
      whatIf: (person, itemId) => explainRequest(whatIfDeps, person, itemId),
      clock,
      fastForward: new FastForward(bot, clock, config.policy.grants.sweepEveryMs),
    };
    const server = await startPageServer(api, await loadPageAssets(), options.port);
    cleanups.push(() => server.close());
    return { url: `http://localhost:${server.port}`, port: server.port, world, api, close };
  } catch (error) {
    await close();
    throw error;
  }
}
