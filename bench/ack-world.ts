/**
 * The simulated world for bench/ack, in a process of its own: Slack and the providers are remote in real
 * life. Every Slack call and provider request answers 100 ms late — an ordinary day on the internet.
 */
import { startWorld } from '../src/sandbox/world.ts';

const LATENCY_MS = 100;

const world = await startWorld();
world.slack.setConditions({ latencyMs: LATENCY_MS });
for (const sim of [world.cloudflare, world.scaleway, world.outscale, world.jcs]) sim.server.setLatency(LATENCY_MS);
process.stdout.write(
  `${JSON.stringify({ policy: world.policy, env: world.env, botToken: world.slack.botToken, apiUrl: world.slack.apiUrl })}\n`,
);
