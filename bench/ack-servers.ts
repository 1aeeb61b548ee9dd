/**
 * The servers under test for bench/ack, in their own process so neither the load generator nor the
 * simulated world shares their event loop: iam-bot with 100,000 closed requests in its store, built as
 * `iam-bot start` builds it, and a bare Bolt app that only acks, with a listener for every type. Reads the world's description (bench/ack-world.ts) as one JSON line on
 * stdin; prints one JSON line with the ports, then serves until killed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, LogLevel } from '@slack/bolt';
import { startBot } from '../src/app.ts';
import { parsePolicy } from '../src/config/load-policy.ts';
import { Secret } from '../src/domain/secret.ts';
import { createLogger } from '../src/log.ts';
import { createInterface } from 'node:readline';
import { seedClosedRequests } from './seed.ts';

const SIGNING_SECRET = 'bench-signing-secret';
const CLOSED = Number(process.argv[2] ?? 100_000);

interface WorldInfo {
  policy: string;
  env: Record<string, string>;
  botToken: string;
  apiUrl: string;
}
const world = JSON.parse(
  await new Promise<string>((resolve) => createInterface({ input: process.stdin }).once('line', resolve)),
) as WorldInfo;
const dataDir = await mkdtemp(join(tmpdir(), 'iam-bot-bench-ack-'));
await seedClosedRequests(dataDir, CLOSED);
const bot = await startBot({
  slack: {
    botToken: new Secret(world.botToken),
    apiUrl: world.apiUrl,
    mode: { type: 'http', signingSecret: new Secret(SIGNING_SECRET), port: 0 },
  },
  config: parsePolicy(world.policy, 'sandbox-policy.yml', world.env),
  dataDir,
  log: createLogger({ level: 'silent' }),
  tickMs: 0,
});
const bare = new App({
  token: world.botToken,
  signingSecret: SIGNING_SECRET,
  clientOptions: { slackApiUrl: world.apiUrl },
  processBeforeResponse: true,
  deferInitialization: true,
  logLevel: LogLevel.ERROR,
});
bare.command('/iam', async ({ ack }) => ack());
bare.action(/.*/, async ({ ack }) => ack());
bare.options(/.*/, async ({ ack }) => ack({ options: [] }));
bare.view(/.*/, async ({ ack }) => ack());
bare.event('app_home_opened', async () => undefined);
await bare.init();
const bareServer = (await bare.start(0)) as Server;
// Where response_url answers go: accepted and dropped.
const sink = createServer((req, res) => req.resume().on('end', () => res.end('ok')));
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const closedId = (await bot.services.store.getByNumber(1))?.id;
process.stdout.write(
  `${JSON.stringify({
    bot: bot.port,
    bare: (bareServer.address() as AddressInfo).port,
    sink: (sink.address() as AddressInfo).port,
    signingSecret: SIGNING_SECRET,
    closedRequestId: closedId,
    closed: CLOSED,
  })}\n`,
);
// A clean exit on SIGTERM lets node flags such as --cpu-prof write their output.
process.once('SIGTERM', () => process.exit(0));
