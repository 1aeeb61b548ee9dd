/** An access review in the sandbox (issue 14 item 4): started from the page's API, decided by clicking its DM. */
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { PEOPLE } from '../../src/sandbox/world.ts';
import { captureLog } from '../support/capture-log.ts';
import { postSandbox } from '../support/sandbox-api.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const post = (action: string, body: unknown) => postSandbox(sandbox?.port, action, body);

type Block = { block_id: string; text?: { text: string }; elements?: { action_id: string; value?: string }[] };
type State = {
  slack: { dm: { messages: { ts: string; channel: string; blocks: Block[] }[] } };
  providers: { name: string; groups: { name: string; members: string[] }[] }[];
};

async function state(user: string): Promise<State> {
  return (await (await fetch(`http://127.0.0.1:${sandbox?.port}/api/state?user=${user}`)).json()) as State;
}

describe('access reviews in the sandbox', () => {
  it('starts a review of the Outscale ops group and takes a reviewer’s Remove from its DM', async () => {
    sandbox = await startSandbox({ log: captureLog().log, port: 0, tickMs: 0 });
    sandbox.world.outscale.state.addMember('ops', 'alice');
    sandbox.world.outscale.state.addMember('ops', 'bob');
    const started = await post('review', { user: PEOPLE.erin.id });
    expect(started.status).toBe(200);
    expect(started.json.review).toMatch(/^RV-[0-9a-f]{8}$/);
    // One review of the group at a time.
    expect((await post('review', { user: PEOPLE.erin.id })).status).toBe(409);

    const message = (await state(PEOPLE.carol.id)).slack.dm.messages.findLast((m) =>
      m.blocks.some((b) => b.elements?.some((e) => e.action_id === 'iam_review_remove')),
    );
    expect(message).toBeDefined();
    const aliceAt = message!.blocks.findIndex((b) => b.text?.text.includes('alice'));
    const buttons = message!.blocks[aliceAt + 1];
    const remove = buttons?.elements?.find((e) => e.action_id === 'iam_review_remove');
    expect(remove).toBeDefined();
    const clicked = await post('click', {
      user: PEOPLE.carol.id,
      message: { channel: message!.channel, ts: message!.ts },
      actionId: 'iam_review_remove',
      blockId: buttons!.block_id,
      text: 'Remove',
      value: remove!.value,
    });
    expect(clicked.status).toBe(200);
    const ops = (await state(PEOPLE.carol.id)).providers
      .find((p) => p.name === 'Outscale')
      ?.groups.find((g) => g.name === 'ops');
    expect(ops?.members).toEqual(['bob']);
  });
});
