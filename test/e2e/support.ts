/** The real bot (Bolt, workflow, store, adapters) against the simulated world, driven as Slack would. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBot, type RunningBot } from '../../src/app.ts';
import { parsePolicy } from '../../src/config/load-policy.ts';
import { Secret } from '../../src/domain/secret.ts';
import { PEOPLE, startWorld, type World } from '../../src/sandbox/world.ts';
import type { AppResponse, SlackAppClient } from '../../src/simulators/slack/index.ts';
import type { Clock } from '../../src/workflow/ports.ts';
import { captureLog } from '../support/capture-log.ts';
import { tempDir } from '../support/fixtures.ts';

export { PEOPLE };
export const SIGNING_SECRET = 'e2e-signing-secret-0123456789';

export interface E2E {
  world: World;
  bot: RunningBot;
  client: SlackAppClient;
  dataDir: string;
  logs(): string;
  close(): Promise<void>;
}

export async function startE2E(
  options: {
    mode?: 'http' | 'socket';
    clock?: Clock;
    policy?: (text: string) => string;
    sleep?: (ms: number) => Promise<void>;
    /** The bot token's scopes, when not those manifest.yml asks for (an app installed from an earlier one). */
    slackScopes?: readonly string[];
  } = {},
): Promise<E2E> {
  const mode = options.mode ?? 'http';
  const world = await startWorld();
  if (options.slackScopes) world.slack.reinstall(options.slackScopes);
  const dir = await tempDir();
  const { log, text: logText } = captureLog();
  const config = parsePolicy(
    options.policy ? options.policy(world.policy) : world.policy,
    'sandbox-policy.yml',
    world.env,
  );
  const bot = await startBot({
    slack: {
      botToken: new Secret(world.slack.botToken),
      apiUrl: world.slack.apiUrl,
      mode:
        mode === 'http'
          ? { type: 'http', signingSecret: new Secret(SIGNING_SECRET), port: 0 }
          : { type: 'socket', appToken: new Secret(world.slack.appToken) },
    },
    config,
    dataDir: dir.path,
    log,
    tickMs: 0,
    // Notice retries wait briefly here; Retry-After from the simulator is still honoured.
    delivery: { backoff: { baseMs: 20, capMs: 200 } },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const client =
    mode === 'http'
      ? world.slack.client({
          mode: 'http',
          url: `http://127.0.0.1:${bot.port}/slack/events`,
          signingSecret: SIGNING_SECRET,
        })
      : world.slack.client({ mode: 'socket' });
  return {
    world,
    bot,
    client,
    dataDir: dir.path,
    logs: logText,
    async close() {
      await bot.stop();
      await world.close();
      await dir.remove();
    },
  };
}

/** Opens /iam as `user` and picks the kind; answers the modal's view id once the bot has updated it. */
export async function openRequestModal(e: E2E, user: string, kind: string): Promise<string> {
  const command = await e.client.slashCommand({ user, text: '' });
  if (command.status !== 200) throw new Error(`/iam answered ${command.status}`);
  await e.bot.idle();
  const opened = e.world.slack.workspace.openView(user);
  if (!opened)
    throw new Error(
      `/iam opened no modal: ${JSON.stringify(e.world.slack.calls.map((c) => [c.method, c.error]))} ${e.logs().slice(-3000)}`,
    );
  const viewId = String(opened.view.id);
  await e.client.blockAction({
    user,
    view: viewId,
    actions: [
      {
        type: 'static_select',
        action_id: 'iam_kind',
        block_id: 'kind',
        selected_option: { text: { type: 'plain_text', text: kind }, value: kind },
      },
    ],
  });
  await e.bot.idle();
  return viewId;
}

/** Opens /iam, picks the kind and the catalog item through the external select, fills and submits. */
export async function requestThroughModal(
  e: E2E,
  user: string,
  input: { kind: string; itemId: string; duration?: string; reason?: string; beforeSubmit?: () => void },
): Promise<{ outcome: string; shown: string; acked: AppResponse; errors?: Record<string, string> }> {
  const viewId = await openRequestModal(e, user, input.kind);
  const suggestion = await e.client.blockSuggestion({ user, view: viewId, actionId: 'iam_item', value: '' });
  const option = suggestion.options.find((o) => o.value === input.itemId);
  if (!option)
    throw new Error(`the catalog search did not offer ${input.itemId}: ${JSON.stringify(suggestion.options)}`);
  const values: Record<string, string | { text: string; value: string }> = {
    item: { text: String((option.text as { text: string }).text), value: input.itemId },
  };
  if (input.duration !== undefined) values.duration = input.duration;
  if (input.reason !== undefined) values.reason = input.reason;
  input.beforeSubmit?.();
  const submitted = await e.client.submitView({ user, viewId, values });
  await e.bot.idle();
  return {
    outcome: submitted.outcome,
    shown: modalText(e, user),
    acked: submitted.response,
    ...(submitted.errors ? { errors: submitted.errors } : {}),
  };
}

/** The text of the modal on top of the user's stack ('' when none is open): where a submission's outcome shows. */
export function modalText(e: E2E, user: string): string {
  const blocks = (e.world.slack.workspace.openView(user)?.view.blocks ?? []) as { text?: { text?: string } }[];
  return blocks.map((b) => b.text?.text ?? '').join('\n');
}

/** The newest message in a DM with a button of this action id. */
export function dmWithButton(e: E2E, user: string, actionId: string): { channel: string; ts: string } {
  const messages = e.world.slack.workspace
    .dmWith(user)
    .filter((m) => JSON.stringify(m.blocks ?? []).includes(`"${actionId}"`));
  const last = messages.at(-1);
  if (!last) throw new Error(`no DM to ${user} has a ${actionId} button`);
  return { channel: last.channel, ts: last.ts };
}

export async function click(
  e: E2E,
  user: string,
  message: { channel: string; ts: string },
  actionId: string,
): Promise<void> {
  const result = await e.client.clickButton({ user, message, actionId });
  if (result.status !== 200) throw new Error(`click ${actionId} answered ${result.status}`);
  await e.bot.idle();
}

/** The audit thread of a request: its root message's text and every reply's text. */
export function auditThread(e: E2E, ref: string): { root: string; replies: string[] } {
  const root = e.world.slack.workspace
    .messagesIn('C0AUDIT')
    .find((m) => !m.thread_ts && JSON.stringify(m).includes(ref));
  if (!root) throw new Error(`no audit thread for ${ref}`);
  const replies = e.world.slack.workspace.threadOf(root.channel, root.ts).filter((m) => m.ts !== root.ts);
  return { root: JSON.stringify(root.blocks ?? root.text), replies: replies.map((m) => m.text ?? '') };
}

/** Everything the bot wrote outside the reveal modal: Slack calls, every file in the data directory, the logs. */
export async function everythingWritten(e: E2E): Promise<string> {
  const calls = e.world.slack.calls.filter(
    (c) => !(c.method === 'views.open' && JSON.stringify(c.params).includes('iam_reveal_secret')),
  );
  const files = await readdir(e.dataDir, { recursive: true });
  const contents = await Promise.all(files.map((f) => readFile(join(e.dataDir, f), 'utf8').catch(() => '')));
  return [JSON.stringify(calls), ...contents, e.logs()].join('\n');
}
