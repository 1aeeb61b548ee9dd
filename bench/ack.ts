/**
 * Ack latency under load: signed slash commands (`/iam help`) and button clicks (Approve on a decided
 * request) fired at iam-bot with 100,000 closed requests in its store, and in the same run at a bare
 * Bolt app that only acks. Prints p50/p99 latency and throughput for both, and the p99 ratio.
 * Goal: p99 ratio ≤ 1.5, every ack far inside Slack's 3 s.
 * The load is a fixed rate well inside both apps' capacity (Slack delivers events as people click, not
 * as fast as a server can take them), so the latencies compare the cost of an ack, not queueing.
 *   npm run bench:ack [-- --seconds 10 --connections 10 --rate 200]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createHmac } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' }, rate: { type: 'string', default: '200' } },
});

interface Servers {
  bot: number;
  bare: number;
  sink: number;
  signingSecret: string;
  closedRequestId: string;
  closed: number;
}

/**
 * On a machine with two or more cores the servers under test get a core of their own (taskset), so
 * the simulated Slack and the load generator, which are remote in real life, do not steal their time.
 */
const pin = availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

function start(script: string, stdin: 'ignore' | 'pipe', cpu: number, flags?: string[]): { child: ChildProcess; line: Promise<string> } {
  const command = [process.execPath, ...(flags ?? []), '--import', 'tsx', new URL(script, import.meta.url).pathname];
  const [file, ...args] = pin ? ['taskset', '-c', String(cpu), ...command] : command;
  const child = spawn(file!, args, { stdio: [stdin, 'pipe', 'inherit'] });
  const line = new Promise<string>((resolve, reject) => {
    // The first JSON line: node flags such as --trace-gc may print before it.
    createInterface({ input: child.stdout! }).on('line', (line) => line.startsWith('{') && resolve(line));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, line };
}

if (pin) spawnSync('taskset', ['-pc', '1', String(process.pid)]);
const world = start('./ack-world.ts', 'ignore', 1);
const worldInfo = await world.line;
const server = start('./ack-servers.ts', 'pipe', 0, process.env.BENCH_SERVER_NODE_FLAGS?.split(' '));
server.child.stdin!.write(`${worldInfo}\n`);
const servers = JSON.parse(await server.line) as Servers;

let counter = 0;
function signed(body: string): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', servers.signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature };
}

function slashBody(): string {
  const n = ++counter;
  return new URLSearchParams({
    command: '/iam',
    text: 'help',
    user_id: 'U0ALICE',
    user_name: 'alice',
    team_id: 'T0SIMTEAM',
    channel_id: 'D0BENCH',
    trigger_id: `bench.${n}`,
    response_url: `http://127.0.0.1:${servers.sink}/r/${n}`,
    api_app_id: 'A0SIMAPP',
  }).toString();
}

function clickBody(): string {
  const n = ++counter;
  const payload = {
    type: 'block_actions',
    user: { id: 'U0BOB', username: 'bob', team_id: 'T0SIMTEAM' },
    team: { id: 'T0SIMTEAM', domain: 'iam-sandbox' },
    api_app_id: 'A0SIMAPP',
    trigger_id: `bench.${n}`,
    response_url: `http://127.0.0.1:${servers.sink}/r/${n}`,
    container: { type: 'message', channel_id: 'D0BENCH', message_ts: '1.000001' },
    channel: { id: 'D0BENCH' },
    message: { ts: '1.000001' },
    actions: [{ type: 'button', action_id: 'iam_approve', block_id: 'decision', value: servers.closedRequestId, action_ts: '1.0' }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

async function fire(port: number, seconds = Number(values.seconds)): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}/slack/events`,
    method: 'POST',
    connections: Number(values.connections),
    duration: seconds,
    overallRate: Number(values.rate),
    requests: [
      {
        setupRequest: (request) => {
          const body = counter % 2 === 0 ? slashBody() : clickBody();
          return { ...request, method: 'POST', path: '/slack/events', body, headers: signed(body) };
        },
      },
    ],
  });
}

function line(name: string, r: autocannon.Result): string {
  const ok = r['2xx'];
  return `${name.padEnd(26)} p50=${r.latency.p50.toFixed(1)} ms  p99=${r.latency.p99.toFixed(1)} ms  max=${r.latency.max.toFixed(0)} ms  ${r.requests.average.toFixed(0)} req/s  (${ok} ok, ${r.non2xx} non-2xx, ${r.errors} errors)`;
}

try {
  // Warm-up, not measured: the first requests load modules and compile code on both apps. The apps
  // share a process, so each measurement starts after the other's background work has drained.
  const quiet = () => new Promise((resolve) => setTimeout(resolve, 1_500));
  await fire(servers.bot, 2);
  await fire(servers.bare, 2);
  await quiet();
  const bare = await fire(servers.bare);
  await quiet();
  const bot = await fire(servers.bot);
  console.log(
    `ack latency at ${values.rate} req/s over ${values.connections} connections, ${values.seconds} s each; iam-bot's store holds ${servers.closed.toLocaleString('en')} closed requests; servers ${pin ? 'pinned to core 0, Slack simulator and load on core 1' : 'not pinned'}`,
  );
  console.log(line('bare Bolt app (ack only)', bare));
  console.log(line('iam-bot', bot));
  const ratio = bot.latency.p99 / Math.max(bare.latency.p99, 0.001);
  console.log(`p99 ratio iam-bot / bare = ${ratio.toFixed(2)}  (goal ≤ 1.50: ${ratio <= 1.5 ? 'met' : 'NOT met'}); slowest iam-bot ack ${bot.latency.max} ms (Slack allows 3000)`);
} finally {
  server.child.kill('SIGTERM');
  world.child.kill('SIGKILL');
}
