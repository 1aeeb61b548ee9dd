/** The request modal says which duration will apply once a group is chosen (issue 13 item 2). */
import { afterEach, describe, expect, it } from 'vitest';
import { PEOPLE, requestThroughModal, startE2E, type E2E } from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice } = PEOPLE;

type Block = {
  block_id?: string;
  hint?: { text: string };
  element?: { initial_value?: string; initial_option?: { value: string } };
};

async function chooseGroup(itemId: string): Promise<Block | undefined> {
  await e.client.slashCommand({ user: alice.id, text: '' });
  await e.bot.idle();
  const viewId = String(e.world.slack.workspace.openView(alice.id)?.view.id);
  const option = (value: string) => ({ text: { type: 'plain_text', text: value }, value });
  await e.client.blockAction({
    user: alice.id,
    view: viewId,
    actions: [{ type: 'static_select', action_id: 'iam_kind', block_id: 'kind', selected_option: option('group.add') }],
  });
  await e.bot.idle();
  await e.client.blockAction({
    user: alice.id,
    view: viewId,
    actions: [{ type: 'external_select', action_id: 'iam_item', block_id: 'item', selected_option: option(itemId) }],
  });
  await e.bot.idle();
  const blocks = (e.world.slack.workspace.openView(alice.id)?.view.blocks ?? []) as Block[];
  expect(blocks.find((b) => b.block_id === 'item')?.element?.initial_option?.value).toBe(itemId);
  return blocks.find((b) => b.block_id === 'duration');
}

describe('the request modal shows the duration that will apply', () => {
  it('pre-fills an item’s default, says the cap, and says when empty means permanent', async () => {
    e = await startE2E();
    const timed = await chooseGroup('osc-ops');
    expect(timed?.element?.initial_value).toBe('1h');
    expect(timed?.hint?.text).toContain('Up to 4h; left empty, access lasts 1h.');
    const permanent = await chooseGroup('jcs-devs');
    expect(permanent?.element?.initial_value).toBeUndefined();
    expect(permanent?.hint?.text).toContain('Leave empty for permanent access');
    const capped = await chooseGroup('cf-prod-admins');
    expect(capped?.hint?.text).toContain('Required: up to 8h.');
  });

  it('a submission without a duration gets the item’s default', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'group.add', itemId: 'osc-ops', reason: 'on call' });
    expect((await e.bot.services.service.find('REQ-0001')).operation).toMatchObject({
      kind: 'group.add',
      durationMs: 3_600_000,
    });
  });
});
