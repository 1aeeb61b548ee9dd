/**
 * Ack latency of every listener type: slash commands, the options load, each modal submission, each
 * button and select, and an event — fired at iam-bot (100,000 closed requests in its store, Slack and
 * every provider answering 100 ms late, as they do on a good day) and, in the same run, at a bare Bolt
 * app that only acks. Prints p50/p99/max per type for both and the p99 ratio.
 * Goal: p99 ratio ≤ 1.5 for each type, no ack over 500 ms.
 * Each type is fired at a fixed rate well inside both apps' capacity (Slack delivers what people click,
 * not as fast as a server can take it), so the latencies compare the cost of an ack, not queueing.
 *   npm run bench:ack [-- --seconds 5 --connections 10 --rate 50 --only options]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createHmac } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    rate: { type: 'string', default: '50' },
    only: { type: 'string' },
  },
});

interface Servers {
  bot: number;
  bare: number;
  sink: number;
  signingSecret: string;
  closedRequestId: string;
  closed: number;
}

const GOAL_RATIO = 1.5;
const GOAL_MAX_MS = 500;

/**
 * On a machine with two or more cores the servers under test get a core of their own (taskset), so
 * the simulated Slack and the load generator, which are remote in real life, do not steal their time.
 */
const pin = availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

function start(
  script: string,
  stdin: 'ignore' | 'pipe',
  cpu: number,
  flags?: string[],
): { child: ChildProcess; line: Promise<string> } {
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

const TEAM = { id: 'T0SIMTEAM', domain: 'iam-sandbox' };
let counter = 0;

interface Body {
  body: string;
  contentType: string;
}

const form = (fields: Record<string, string>): Body => ({
  body: new URLSearchParams(fields).toString(),
  contentType: 'application/x-www-form-urlencoded',
});
const interactive = (payload: Record<string, unknown>): Body => form({ payload: JSON.stringify(payload) });

function slash(text: string): Body {
  const n = ++counter;
  return form({
    command: '/iam',
    text,
    user_id: 'U0ALICE',
    user_name: 'alice',
    team_id: TEAM.id,
    channel_id: 'D0BENCH',
    trigger_id: `bench.${n}`,
    response_url: `http://127.0.0.1:${servers.sink}/r/${n}`,
    api_app_id: 'A0SIMAPP',
  });
}

/** A click on a button (or a select) in a message or in a modal. */
function click(actionId: string, action: Record<string, unknown>, inView = false): Body {
  const n = ++counter;
  const where = inView
    ? {
        container: { type: 'view', view_id: 'V0BENCH' },
        view: {
          id: 'V0BENCH',
          hash: `h${n}`,
          type: 'modal',
          callback_id: 'iam_request',
          private_metadata: '{"kind":null}',
          state: { values: {} },
        },
      }
    : {
        container: { type: 'message', channel_id: 'D0BENCH', message_ts: '1.000001' },
        channel: { id: 'D0BENCH' },
        message: { ts: '1.000001' },
        response_url: `http://127.0.0.1:${servers.sink}/r/${n}`,
      };
  return interactive({
    type: 'block_actions',
    user: { id: 'U0BOB', username: 'bob', team_id: TEAM.id },
    team: TEAM,
    api_app_id: 'A0SIMAPP',
    trigger_id: `bench.${n}`,
    ...where,
    actions: [{ action_id: actionId, block_id: 'bench', action_ts: '1.0', ...action }],
  });
}

const button = (actionId: string) => () => click(actionId, { type: 'button', value: servers.closedRequestId });

/** A modal submitted with these input values (block_id → action_id → value object). */
function submission(callbackId: string, privateMetadata: string, state: Record<string, Record<string, unknown>>): Body {
  const n = ++counter;
  const blocks = Object.keys(state).map((block) => ({ type: 'input', block_id: block }));
  return interactive({
    type: 'view_submission',
    user: { id: 'U0BOB', username: 'bob', team_id: TEAM.id },
    team: TEAM,
    api_app_id: 'A0SIMAPP',
    trigger_id: `bench.${n}`,
    view: {
      id: `V0BENCH${n}`,
      team_id: TEAM.id,
      type: 'modal',
      callback_id: callbackId,
      private_metadata: privateMetadata,
      hash: `h${n}`,
      title: { type: 'plain_text', text: 'Bench' },
      blocks,
      state: { values: state },
    },
  });
}

const text = (action: string, value: string) => ({ [action]: { type: 'plain_text_input', value } });

/** Every listener type the bot has, as Slack sends it. */
const TYPES: Record<string, () => Body> = {
  'slash /iam (opens the modal)': () => slash(''),
  'slash /iam status': () => slash('status'),
  'options load (catalog search)': () =>
    interactive({
      type: 'block_suggestion',
      user: { id: 'U0ALICE', username: 'alice', team_id: TEAM.id },
      team: TEAM,
      api_app_id: 'A0SIMAPP',
      action_id: 'iam_item',
      block_id: 'item',
      value: 'dev',
      view: { id: 'V0BENCH', type: 'modal', callback_id: 'iam_request', private_metadata: '{"kind":"group.add"}' },
    }),
  'submit request modal': () =>
    submission('iam_request', '{"kind":"group.add"}', {
      kind: { iam_kind: { type: 'static_select', selected_option: { value: 'group.add' } } },
      item: { iam_item: { type: 'external_select', selected_option: { value: 'jcs-devs' } } },
      reason: text('iam_reason', 'bench'),
    }),
  'submit deny modal': () =>
    submission('iam_deny_reason', servers.closedRequestId, { reason: text('iam_reason', 'bench') }),
  'submit MFA attestation modal': () =>
    submission('iam_mfa_confirm', servers.closedRequestId, {
      verified: { iam_verified: { type: 'checkboxes', selected_options: [{ value: 'verified' }] } },
    }),
  'submit extend modal': () =>
    submission('iam_extend_grant', servers.closedRequestId, {
      duration: text('iam_duration', '1h'),
      reason: text('iam_reason', 'bench'),
    }),
  'button Approve': button('iam_approve'),
  'button Deny': button('iam_deny'),
  'button Reveal': button('iam_reveal'),
  'button I have updated': button('iam_rotation_done'),
  'button Extend': button('iam_extend'),
  'button End access': button('iam_release'),
  'select kind (in the modal)': () =>
    click('iam_kind', { type: 'static_select', selected_option: { value: 'group.add' } }, true),
  'unknown button (fallback)': button('iam_retired_button'),
  'event app_home_opened': () => ({
    body: JSON.stringify({
      token: 'bench',
      team_id: TEAM.id,
      api_app_id: 'A0SIMAPP',
      type: 'event_callback',
      event_id: `Ev${++counter}`,
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_home_opened', user: 'U0BOB', channel: 'D0BENCH', tab: 'home', event_ts: '1.0' },
    }),
    contentType: 'application/json',
  }),
};

function signed(body: Body): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', servers.signingSecret).update(`v0:${ts}:${body.body}`).digest('hex')}`;
  return { 'content-type': body.contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': signature };
}

async function fire(port: number, make: () => Body, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}/slack/events`,
    method: 'POST',
    connections: Number(values.connections),
    duration: seconds,
    overallRate: Number(values.rate),
    requests: [
      {
        setupRequest: (request) => {
          const body = make();
          return { ...request, method: 'POST', path: '/slack/events', body: body.body, headers: signed(body) };
        },
      },
    ],
  });
}

/** Lets the background work of the last run (notices, views.update at 100 ms a call) drain first. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 1_500));
const ms = (n: number) => n.toFixed(1).padStart(7);

try {
  const seconds = Number(values.seconds);
  const rows: string[] = [];
  let worstRatio = 0;
  let worstMax = 0;
  let failures = 0;
  for (const [name, make] of Object.entries(TYPES)) {
    if (values.only && !name.includes(values.only)) continue;
    // Warm-up, not measured: the first requests of a type load modules and compile code on both apps.
    await fire(servers.bot, make, 1);
    await fire(servers.bare, make, 1);
    await quiet();
    const bare = await fire(servers.bare, make, seconds);
    await quiet();
    const bot = await fire(servers.bot, make, seconds);
    const ratio = bot.latency.p99 / Math.max(bare.latency.p99, 0.001);
    worstRatio = Math.max(worstRatio, ratio);
    worstMax = Math.max(worstMax, bot.latency.max);
    failures += bot.non2xx + bot.errors + bot.timeouts;
    rows.push(
      `| ${name.padEnd(30)} | ${ms(bare.latency.p50)} | ${ms(bare.latency.p99)} | ${ms(bare.latency.max)} | ${ms(bot.latency.p50)} | ${ms(bot.latency.p99)} | ${ms(bot.latency.max)} | ${ratio.toFixed(2).padStart(5)} | ${String(bot['2xx']).padStart(5)} |`,
    );
  }
  console.log(
    `ack latency, ms: ${values.rate} req/s per type over ${values.connections} connections, ${seconds} s per type and app; iam-bot's store holds ${servers.closed.toLocaleString('en')} closed requests; Slack and providers answer 100 ms late; servers ${pin ? 'pinned to core 0, Slack simulator and load on core 1' : 'not pinned'}`,
  );
  console.log(
    `| ${'listener type'.padEnd(30)} | bare p50 | bare p99 | bare max | bot p50 | bot p99 | bot max | p99 ratio | bot acks |`,
  );
  console.log(`|${'-'.repeat(32)}|---------:|---------:|---------:|--------:|--------:|--------:|------:|------:|`);
  for (const row of rows) console.log(row);
  console.log(
    `worst p99 ratio ${worstRatio.toFixed(2)} (goal ≤ ${GOAL_RATIO}: ${worstRatio <= GOAL_RATIO ? 'met' : 'NOT met'}); slowest iam-bot ack ${worstMax.toFixed(0)} ms (goal ≤ ${GOAL_MAX_MS}: ${worstMax <= GOAL_MAX_MS ? 'met' : 'NOT met'}); ${failures} non-2xx, errors or timeouts`,
  );
} finally {
  server.child.kill('SIGTERM');
  world.child.kill('SIGKILL');
}
