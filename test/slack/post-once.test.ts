/**
 * A post a process made just before it died is found after the restart, not made again: against the strict
 * Slack simulator, whose bot token holds what an install from manifest.yml holds. Reading a DM's history needs
 * im:history: before the simulator granted exactly the manifest's scopes, this lookup was refused with
 * missing_scope and the replicas test lost an approver's ask.
 */
import type { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackSimulator } from '../../src/simulators/slack/index.ts';
import { DmChannels } from '../../src/slack/client.ts';
import { OncePoster } from '../../src/slack/post-once.ts';
import { LowdbMessageRefs } from '../../src/store/lowdb-message-refs.ts';
import { tempDir } from '../support/fixtures.ts';
import { AUDIT, BOB, seededSimulator, webClient } from '../simulators/slack/support.ts';

let sim: SlackSimulator;
let client: WebClient;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeEach(async () => {
  sim = await seededSimulator();
  client = webClient(sim);
  dir = await tempDir();
});
afterEach(async () => {
  await sim.close();
  await dir.remove();
});

/** A process's poster on the data directory: only slack.json carries over from one life to the next. */
async function life(): Promise<OncePoster> {
  return new OncePoster(client, await LowdbMessageRefs.open(dir.path), new DmChannels(client));
}

const posts = () => sim.calls.filter((c) => c.method === 'chat.postMessage' && c.ok).length;

describe('a post made once across a crash', () => {
  it('a DM: the next life finds it in the DM (im:history) and does not post it again', async () => {
    // The first life posts and dies before recording the part done: only its intent is on disk.
    const first = await (await life()).dm('n1:ask:U0BOB', BOB, { text: 'Approve REQ-0001?' });
    const again = await (await life()).dm('n1:ask:U0BOB', BOB, { text: 'Approve REQ-0001?' });
    expect(again).toEqual(first);
    expect(posts()).toBe(1);
    expect(sim.calls.filter((c) => c.method === 'conversations.history').map((c) => c.ok)).toEqual([true]);
  });

  it('a channel message and a thread reply: found in the channel and in the thread', async () => {
    const root = await (await life()).post('r1:audit-root', AUDIT, { text: 'REQ-0001' });
    expect(await (await life()).post('r1:audit-root', AUDIT, { text: 'REQ-0001' })).toEqual(root);
    const reply = await (await life()).post('n1:audit-reply', AUDIT, { text: 'submitted' }, root.ts);
    expect(await (await life()).post('n1:audit-reply', AUDIT, { text: 'submitted' }, root.ts)).toEqual(reply);
    expect(posts()).toBe(2);
  });
});
