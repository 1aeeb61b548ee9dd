/** The sandbox server's JSON API, in-process: a whole request driven as the page drives it. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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

type State = {
  slack: {
    modal: { id: string } | null;
    dm: {
      messages: {
        ts: string;
        channel: string;
        blocks: { block_id: string; elements?: { action_id: string; value?: string }[] }[];
      }[];
    };
    channels: { messages: { replies: { text: string }[] }[] }[];
  };
  providers: { name: string; groups: { name: string; members: string[] }[] }[];
  notes: string[];
  personas: { id: string; role: string }[];
};

async function state(user: string): Promise<State> {
  return (await (await fetch(`http://127.0.0.1:${sandbox?.port}/api/state?user=${user}`)).json()) as State;
}

/** The newest DM message with a button `actionId`, as the page would click it. */
async function button(user: string, actionId: string) {
  const message = (await state(user)).slack.dm.messages.findLast((m) =>
    m.blocks.some((b) => b.elements?.some((e) => e.action_id === actionId)),
  );
  const block = message?.blocks.find((b) => b.elements?.some((e) => e.action_id === actionId));
  const element = block?.elements?.find((e) => e.action_id === actionId);
  if (!message || !block || !element) throw new Error(`no ${actionId} button for ${user}`);
  return {
    user,
    actionId,
    blockId: block.block_id,
    text: 'button',
    value: element.value,
    message: { channel: message.channel, ts: message.ts },
  };
}

describe('the sandbox API', () => {
  it('serves the page without any CDN and runs a request from /iam to the provider', async () => {
    sandbox = await startSandbox({ log: captureLog().log, port: 0, tickMs: 0 });
    const page = await (await fetch(`http://127.0.0.1:${sandbox.port}/`)).text();
    const script = await (await fetch(`http://127.0.0.1:${sandbox.port}/app.js`)).text();
    expect(page).toContain('<script type="module" src="/app.js">');
    expect(`${page}${script}`).not.toMatch(/https?:\/\/(?!localhost|127\.0\.0\.1)[a-z]/i);

    const alice = PEOPLE.alice.id;
    expect((await post('command', { user: alice, text: '/iam' })).status).toBe(200);
    const viewId = (await state(alice)).slack.modal?.id;
    expect(viewId).toBeDefined();
    await post('select', {
      user: alice,
      view: viewId,
      actionId: 'iam_kind',
      blockId: 'kind',
      type: 'static_select',
      option: { text: 'Access to a group', value: 'group.add' },
    });
    const suggested = await post('suggest', { user: alice, view: viewId, actionId: 'iam_item', value: '' });
    expect((suggested.json.options as { value: string }[]).map((o) => o.value)).toContain('jcs-devs');
    const submitted = await post('submit', {
      user: alice,
      viewId,
      values: { item: { text: 'JCS developers', value: 'jcs-devs' }, reason: 'pairing' },
    });
    expect(submitted.json.outcome).toBe('updated');

    expect((await post('click', await button(PEOPLE.bob.id, 'iam_approve'))).status).toBe(200);
    const after = await state(alice);
    expect(after.providers.find((p) => p.name === 'JCS')?.groups.find((g) => g.name === 'devs')?.members).toEqual([
      'alice',
    ]);
    expect(after.slack.channels[0]?.messages[0]?.replies.map((r) => r.text).join('\n')).toMatch(/Approved by <@U0BOB>/);

    const home = await post('home', { user: PEOPLE.bob.id });
    expect(home.status).toBe(200);
  });

  it('refuses malformed requests with 400, unknown people with 404, and what Slack would refuse with 409', async () => {
    sandbox = await startSandbox({ log: captureLog().log, port: 0, tickMs: 0 });
    expect((await post('command', { user: 'alice', text: '/iam' })).status).toBe(400);
    expect((await post('command', { user: 'U0NOBODY', text: '/iam' })).status).toBe(404);
    expect((await post('command', { user: PEOPLE.alice.id, text: '/deploy' })).status).toBe(400);
    expect((await post('submit', { user: PEOPLE.alice.id, viewId: 'V0NONE', values: {} })).status).toBe(409);
    expect((await post('frobnicate', {})).status).toBe(404);
    const whatIf = await post('whatif', { person: PEOPLE.alice.id, item: 'scw-developers' });
    expect((whatIf.json.stages as { set: string }[]).map((s) => s.set)).toEqual(['managers', 'platform-leads']);
  });

  it("runs a policy author's own file against the simulators, creating what it names", async () => {
    const text = await readFile(join(import.meta.dirname, '../../examples/policy.yml'), 'utf8');
    sandbox = await startSandbox({
      log: captureLog().log,
      port: 0,
      tickMs: 0,
      policy: { file: 'examples/policy.yml', text },
    });
    const s = await state('U0123ALICE');
    expect(s.notes.join('\n')).toMatch(/Provider cf-prod \(cloudflare\) runs on the local cloudflare simulator/);
    expect(s.notes.join('\n')).toMatch(/Created group "c0ffee00-1234-4abc-8def-0123456789ab" on scw/);
    expect(s.personas.map((p) => p.id)).toEqual(expect.arrayContaining(['U0123ALICE', 'U0456BOB', 'U0DEFERIN']));
    const whatIf = await post('whatif', { person: 'U0123ALICE', item: 'scw-billing-readers' });
    expect(whatIf.json.stages).toEqual([
      { set: 'managers', quorum: 1, approvers: [{ person: 'U0456BOB', via: "the requester's manager" }] },
    ]);

    const alice = 'U0123ALICE';
    await post('command', { user: alice, text: '/iam' });
    const viewId = (await state(alice)).slack.modal?.id;
    await post('select', {
      user: alice,
      view: viewId,
      actionId: 'iam_kind',
      blockId: 'kind',
      type: 'static_select',
      option: { text: 'Access to a group', value: 'group.add' },
    });
    const submitted = await post('submit', {
      user: alice,
      viewId,
      values: { item: { text: 'Scaleway billing readers', value: 'scw-billing-readers' } },
    });
    expect(submitted.json.outcome).toBe('updated');
    await post('click', await button('U0456BOB', 'iam_approve'));
    const group = (await state(alice)).providers
      .find((p) => p.name === 'Scaleway')
      ?.groups.find((g) => g.name.startsWith('c0ffee00'));
    // The example policy names example.com as its identity domain: the sandbox people get addresses there.
    expect(group?.members).toEqual(['user-123alice@example.com']);
  });
});
