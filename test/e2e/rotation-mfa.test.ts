import { afterEach, describe, expect, it } from 'vitest';
import {
  PEOPLE,
  auditThread,
  click,
  dmWithButton,
  everythingWritten,
  modalText,
  requestThroughModal,
  startE2E,
  type E2E,
} from './support.ts';

let e: E2E;
afterEach(() => e?.close());

const { alice, bob, carol } = PEOPLE;

/** The secret shown in the reveal modal (the one place it may appear). */
function revealedSecret(e: E2E, user: string): string {
  const view = e.world.slack.workspace.openView(user);
  const text = JSON.stringify(view?.view.blocks ?? []);
  const match = /```([^`]+)```/.exec(text);
  if (!match?.[1]) throw new Error(`no secret in ${user}'s open modal`);
  return match[1];
}

describe('key rotation through Slack', () => {
  it('Outscale: reveal once, confirm, the old key goes inactive; the secret is nowhere else', async () => {
    e = await startE2E();
    const oldKey = e.world.outscale.state.keysOf('alice')[0]?.id;
    await requestThroughModal(e, alice.id, { kind: 'key.rotate', itemId: 'osc-my-key', reason: 'quarterly rotation' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    const reveal = dmWithButton(e, alice.id, 'iam_reveal');
    await click(e, alice.id, reveal, 'iam_reveal');
    const secret = revealedSecret(e, alice.id);
    const keys = e.world.outscale.state.keysOf('alice');
    const newKey = keys.find((k) => k.id !== oldKey);
    expect(newKey?.secret).toBe(secret);
    // The Reveal button is gone; a second click that raced the update is refused.
    expect(JSON.stringify(e.world.slack.workspace.message(reveal.channel, reveal.ts)?.blocks)).not.toContain(
      'iam_reveal"',
    );
    const requestId = (await e.bot.services.service.find('REQ-0001')).id;
    await e.client.blockAction({
      user: alice.id,
      message: reveal,
      actions: [{ type: 'button', action_id: 'iam_reveal', block_id: 'reveal', value: requestId }],
    });
    await e.bot.idle();
    expect(e.world.slack.workspace.ephemeralFor(alice.id).at(-1)?.text).toMatch(/not waiting for you to reveal/);
    await click(e, alice.id, dmWithButton(e, alice.id, 'iam_rotation_done'), 'iam_rotation_done');
    expect(e.world.outscale.state.keysOf('alice').map((k) => [k.id, k.status])).toEqual([
      [oldKey, 'Inactive'],
      [newKey?.id, 'Active'],
    ]);
    expect(await everythingWritten(e)).not.toContain(secret);
  });

  it('a reveal whose modal could not open does not spend the secret: the next click shows it (issue 11 item 9)', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'key.rotate', itemId: 'osc-my-key', reason: 'quarterly rotation' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    const reveal = dmWithButton(e, alice.id, 'iam_reveal');
    e.world.slack.injectFault({ kind: 'status', status: 500 }, { method: 'views.open', count: 1 });
    await click(e, alice.id, reveal, 'iam_reveal');
    expect(JSON.stringify(e.world.slack.workspace.openView(alice.id) ?? {})).not.toContain('iam_reveal_secret');
    expect((await e.bot.services.service.find('REQ-0001')).status).toMatchObject({
      state: 'executing',
      rotation: { step: 'reveal' },
    });
    await click(e, alice.id, reveal, 'iam_reveal');
    const secret = revealedSecret(e, alice.id);
    expect(e.world.outscale.state.keysOf('alice').some((k) => k.secret === secret)).toBe(true);
    expect((await e.bot.services.service.find('REQ-0001')).status).toMatchObject({ rotation: { step: 'confirm' } });
    // The owner and the audit thread are told how long the owner has to confirm, and what happens then.
    expect(JSON.stringify(e.world.slack.workspace.message(reveal.channel, reveal.ts)?.blocks)).toContain(
      'the old key is retired anyway',
    );
    expect(auditThread(e, 'REQ-0001').replies.join('\n')).toMatch(
      /revealed to .*until <!date\^\d+.*the old key is retired anyway/,
    );
  });

  it('JCS: the old key is deleted once the owner confirms', async () => {
    e = await startE2E();
    const oldKey = e.world.jcs.state.keysOf('alice')[0]?.access;
    await requestThroughModal(e, alice.id, { kind: 'key.rotate', itemId: 'jcs-my-key', reason: 'rotation' });
    await click(e, bob.id, dmWithButton(e, bob.id, 'iam_approve'), 'iam_approve');
    await click(e, alice.id, dmWithButton(e, alice.id, 'iam_reveal'), 'iam_reveal');
    const secret = revealedSecret(e, alice.id);
    await click(e, alice.id, dmWithButton(e, alice.id, 'iam_rotation_done'), 'iam_rotation_done');
    const keys = e.world.jcs.state.keysOf('alice');
    expect(keys).toHaveLength(1);
    expect(keys[0]?.access).not.toBe(oldKey);
    expect(await everythingWritten(e)).not.toContain(secret);
  });

  it('Scaleway: a CI application key, rotated on approval by a platform lead', async () => {
    e = await startE2E();
    const app = e.world.ids.scalewayApplication;
    const before = e.world.scaleway.state.keysOf(app).map((k) => k.accessKey);
    await requestThroughModal(e, alice.id, {
      kind: 'key.rotate',
      itemId: 'scw-ci-key',
      reason: 'CI secret leaked in a log',
    });
    await click(e, carol.id, dmWithButton(e, carol.id, 'iam_approve'), 'iam_approve');
    await click(e, alice.id, dmWithButton(e, alice.id, 'iam_reveal'), 'iam_reveal');
    const secret = revealedSecret(e, alice.id);
    await click(e, alice.id, dmWithButton(e, alice.id, 'iam_rotation_done'), 'iam_rotation_done');
    const after = e.world.scaleway.state.keysOf(app);
    expect(after.map((k) => k.secretKey)).toEqual([secret]);
    for (const key of before) expect(after.map((k) => k.accessKey)).not.toContain(key);
    expect(await everythingWritten(e)).not.toContain(secret);
  });

  it('Cloudflare: the CI token is rolled and its new value revealed once', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'key.rotate', itemId: 'cf-ci-token', reason: 'rotation' });
    const ask = dmWithButton(e, carol.id, 'iam_approve');
    // The approver reads what approving does: the roll ends the current value at once (issue 13 item 5).
    expect(JSON.stringify(e.world.slack.workspace.message(ask.channel, ask.ts)?.blocks)).toContain(
      'Approving rolls the token',
    );
    await click(e, carol.id, ask, 'iam_approve');
    const reveal = dmWithButton(e, alice.id, 'iam_reveal');
    const shown = () => JSON.stringify(e.world.slack.workspace.message(reveal.channel, reveal.ts)?.blocks);
    expect(shown()).toContain('its old value stopped working at the roll');
    await click(e, alice.id, reveal, 'iam_reveal');
    const secret = revealedSecret(e, alice.id);
    expect(e.world.cloudflare.state.tokenByValue(secret)?.id).toBe(e.world.ids.cloudflareToken);
    expect(shown()).toContain('nothing is left to retire');
    await click(e, alice.id, dmWithButton(e, alice.id, 'iam_rotation_done'), 'iam_rotation_done');
    expect(shown()).toContain(
      'Rotation complete. The old value stopped working at the roll; nothing is left to retire.',
    );
    const thread = auditThread(e, 'REQ-0001').replies.join('\n');
    expect(thread).toContain('rolled: its old value stopped working at the roll');
    expect(thread).not.toMatch(/retiring the old key|retired tok|old key kept/);
    expect(await everythingWritten(e)).not.toContain(secret);
  });
});

describe('MFA reset through Slack', () => {
  it('JCS: the approver must attest the identity check; then the device is removed', async () => {
    e = await startE2E();
    await requestThroughModal(e, alice.id, { kind: 'mfa.reset', itemId: 'jcs-mfa', reason: 'lost my phone' });
    await click(e, carol.id, dmWithButton(e, carol.id, 'iam_approve'), 'iam_approve');
    const modal = e.world.slack.workspace.openView(carol.id);
    expect(JSON.stringify(modal?.view)).toContain('verified the requester');
    const unchecked = await e.client
      .submitView({ user: carol.id, values: { verified: [] } })
      .catch((error: unknown) => error);
    // Slack's client refuses to submit a required checkbox left empty.
    expect(unchecked).toBeInstanceOf(Error);
    expect(e.world.jcs.state.mfaDeviceOf('alice')).toBeDefined();
    const submitted = await e.client.submitView({ user: carol.id, values: { verified: ['verified'] } });
    expect(submitted.outcome).toBe('updated');
    await e.bot.idle();
    expect(modalText(e, carol.id)).toBe('You approved REQ-0001.');
    expect(e.world.jcs.state.mfaDeviceOf('alice')).toBeUndefined();
  });

  it('JCS: when no device bears the name the mfaDeviceName rule gives, the requester is told so plainly', async () => {
    e = await startE2E();
    e.world.jcs.state.deleteMfaDevice('alice');
    await requestThroughModal(e, alice.id, { kind: 'mfa.reset', itemId: 'jcs-mfa', reason: 'lost my phone' });
    await click(e, carol.id, dmWithButton(e, carol.id, 'iam_approve'), 'iam_approve');
    await e.client.submitView({ user: carol.id, values: { verified: ['verified'] } });
    await e.bot.idle();
    const told = JSON.stringify(e.world.slack.workspace.dmWith(alice.id));
    expect(told).toContain('no JCS MFA device is named alice');
    expect(told).toContain('mfaDeviceName');
  });
});
