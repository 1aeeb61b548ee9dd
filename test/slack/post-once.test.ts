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
import { captureLog } from '../support/capture-log.ts';
import { DEFAULT_BOT_SCOPES } from '../../src/simulators/slack/web-api/registry.ts';
import { AUDIT, BOB, seededSimulator, webClient } from '../simulators/slack/support.ts';

let sim: SlackSimulator;
let client: WebClient;
let dir: Awaited<ReturnType<typeof tempDir>>;
let log: ReturnType<typeof captureLog>;

beforeEach(async () => {
  sim = await seededSimulator();
  client = webClient(sim);
  dir = await tempDir();
  log = captureLog();
});
afterEach(async () => {
  await sim.close();
  await dir.remove();
});

/** A process's poster on the data directory: only slack.json carries over from one life to the next. */
async function life(): Promise<OncePoster> {
  return new OncePoster(client, await LowdbMessageRefs.open(dir.path), new DmChannels(client), log.log);
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

  it('a token that cannot read the DM (installed without im:history): the post is made again, not lost, and the log says why', async () => {
    sim.reinstall(DEFAULT_BOT_SCOPES.filter((scope) => scope !== 'im:history'));
    const first = await (await life()).dm('n1:ask:U0BOB', BOB, { text: 'Approve REQ-0001?' });
    const again = await (await life()).dm('n1:ask:U0BOB', BOB, { text: 'Approve REQ-0001?' });
    expect(again).not.toEqual(first);
    expect(posts()).toBe(2);
    expect(log.text()).toContain('cannot look for a post an earlier attempt may have made');
    expect(log.text()).toContain('im:history');
  });

  it('a lookup Slack refuses for another reason is not taken for "not posted": the retry fails and is tried again later', async () => {
    await (await life()).dm('n1:ask:U0BOB', BOB, { text: 'Approve REQ-0001?' });
    sim.injectFault({ kind: 'status', status: 503 }, { method: 'conversations.history' });
    await expect((await life()).dm('n1:ask:U0BOB', BOB, { text: 'Approve REQ-0001?' })).rejects.toThrow();
    expect(posts()).toBe(1);
  });
});
