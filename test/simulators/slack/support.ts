/** Shared set-up for the Slack simulator tests: a seeded workspace and quiet Slack SDK loggers. */
import type { types } from '@slack/bolt';
import { LogLevel, WebClient, type Logger, type WebClientOptions } from '@slack/web-api';
import {
  startSlackSimulator,
  type SlackSimulator,
  type SlackSimulatorOptions,
} from '../../../src/simulators/slack/index.ts';

export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';
export const CAROL = 'U0CAROL';
export const PLATFORM = 'S0PLATFORM';
export const AUDIT = 'C0AUDIT';
export const SIGNING_SECRET = 'test-signing-secret';

/** A simulator with Alice (whose manager field names Bob), Bob, Carol, a user group and an audit channel. */
export async function seededSimulator(options: SlackSimulatorOptions = {}): Promise<SlackSimulator> {
  const sim = await startSlackSimulator(options);
  sim.workspace.addUser({
    id: ALICE,
    name: 'alice',
    email: 'alice@example.com',
    realName: 'Alice Liddell',
    fields: { Xf0MANAGER: BOB },
  });
  sim.workspace.addUser({ id: BOB, name: 'bob', email: 'bob@example.com' });
  sim.workspace.addUser({ id: CAROL, name: 'carol', email: 'carol@example.com' });
  sim.workspace.addUsergroup(PLATFORM, [BOB, CAROL]);
  sim.workspace.addChannel(AUDIT, 'iam-audit', { members: [BOB, CAROL], botMember: true });
  return sim;
}

/** The official Web API client pointed at the simulator, not retrying unless asked. */
export function webClient(sim: SlackSimulator, options: WebClientOptions = {}, token = sim.botToken): WebClient {
  return new WebClient(token, {
    slackApiUrl: sim.apiUrl,
    retryConfig: { retries: 0 },
    logger: silentLogger(),
    ...options,
  });
}

/** A Logger (Bolt and the Web API client share the interface) that keeps tests quiet. */
export function silentLogger(): Logger {
  let level = LogLevel.ERROR;
  const ignore = () => undefined;
  return {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: ignore,
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: ignore,
  };
}

/** A section with a button, the smallest interactive message. */
export function buttonBlocks(actionId: string, value: string): types.KnownBlock[] {
  return [
    { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: 'Request *R1*' } },
    {
      type: 'actions',
      block_id: 'decide',
      elements: [
        { type: 'button', action_id: actionId, value, text: { type: 'plain_text', text: 'Approve' }, style: 'primary' },
      ],
    },
  ];
}
