/** The simulated world for bench/ack, in a process of its own: Slack and the providers are remote in real life. */
import { startWorld } from '../src/sandbox/world.ts';

const world = await startWorld();
process.stdout.write(`${JSON.stringify({ policy: world.policy, env: world.env, botToken: world.slack.botToken, apiUrl: world.slack.apiUrl })}\n`);
