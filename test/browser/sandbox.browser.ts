/**
 * The sandbox as a person uses it, in a real browser: ask for group access as the requester, approve as
 * the manager, watch the membership appear in the provider panel and the events in the audit thread;
 * then a key rotation whose secret is shown once. Each step's screenshot lands in test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';
import { PEOPLE } from '../../src/sandbox/world.ts';
import { CHROMIUM, chromiumMissing } from './chromium.ts';
import { openSandboxPage, type SandboxPage } from './driver.ts';

if (chromiumMissing)
  process.stderr.write(
    `\nSKIPPING the browser tests: ${CHROMIUM} is missing. Install it with: apt-get install -y --no-install-recommends chromium\n\n`,
  );

describe.skipIf(chromiumMissing)(`the sandbox page in Chromium (${CHROMIUM})`, () => {
  let driver: SandboxPage;
  let sandbox: Sandbox;
  let page: Page;
  let step = 0;
  const shot = (name: string) => driver.shot(`${String((step += 1)).padStart(2, '0')}-${name}`);
  const be = (id: string) => driver.be(id);
  const openTab = (tab: string) => driver.openTab(tab);
  const request = (kind: string, itemId: string, fields: { duration?: string; reason?: string }, screenshot: string) =>
    driver.request(kind, itemId, fields, (moment) =>
      shot(moment === 'filled' ? screenshot : `${screenshot}-submitted`),
    );

  beforeAll(async () => {
    driver = await openSandboxPage(PEOPLE.alice.id);
    ({ sandbox, page } = driver);
  });

  afterAll(async () => {
    await driver?.close();
  });

  it('group access: the requester asks, the manager approves, the provider panel and the audit thread show it', async () => {
    await page.waitForSelector('[data-provider="Cloudflare"] [data-group="prod-admins"]');
    await shot('start');
    await request('group.add', 'cf-prod-admins', { duration: '2h', reason: 'Ship the hotfix' }, 'request-modal');
    await page.waitForSelector('#main .message');
    await shot('requested');

    await be(PEOPLE.bob.id);
    const approve = page.locator('#main button[data-action="iam_approve"]');
    await approve.waitFor();
    await shot('manager-dm');
    await approve.click();
    const group = page.locator('[data-provider="Cloudflare"] [data-group="prod-admins"]');
    await expect.poll(() => group.textContent()).toContain(PEOPLE.alice.email);
    await shot('membership-in-provider-panel');

    await openTab('C0AUDIT');
    const thread = page.locator('#main .thread');
    await expect.poll(() => thread.first().textContent()).toMatch(/Approved by @Bob Baker/);
    // Slack's per-channel posting limit (about one a second) spaces the thread's replies out, as in Slack.
    await expect.poll(() => thread.first().textContent(), { timeout: 20_000 }).toMatch(/Calling cf/);
    const text = (await thread.first().textContent()) ?? '';
    expect(text).toMatch(/Submitted by @Alice Archer/);
    expect(text).toMatch(/Calling cf/);
    await shot('audit-thread');
  });

  it('key rotation: the secret is revealed once, in a modal; a second click is refused', async () => {
    await openTab('dm');
    await be(PEOPLE.alice.id);
    const oldKeys = sandbox.world.jcs.state.keysOf('alice').map((k) => k.access);
    await request('key.rotate', 'jcs-my-key', { reason: 'Quarterly rotation' }, 'rotation-modal');

    await be(PEOPLE.bob.id);
    const approve = page.locator('#main button[data-action="iam_approve"]').last();
    await approve.waitFor();
    await approve.click();
    await expect.poll(() => page.locator('#main button[data-action="iam_approve"]').count()).toBe(0);

    await be(PEOPLE.alice.id);
    const reveal = page.locator('#main button[data-action="iam_reveal"]');
    await reveal.waitFor();
    await shot('reveal-button');
    // Two clicks on the same rendering: the second races the message update, as it can in Slack, and must be refused.
    await reveal.evaluate((button: HTMLElement) => {
      button.click();
      button.click();
    });
    const secretBlock = page.locator('.modal pre');
    await secretBlock.waitFor();
    const secret = ((await secretBlock.textContent()) ?? '').trim();
    const newKey = sandbox.world.jcs.state.keysOf('alice').find((k) => !oldKeys.includes(k.access));
    expect(newKey?.secret).toBe(secret);
    await shot('secret-revealed-once');
    await page.click('#modal-close');
    await page.waitForSelector('#modal', { state: 'hidden' });
    await expect
      .poll(() => page.locator('#main .ephemeral').last().textContent())
      .toMatch(/can no longer be revealed|not waiting for you to reveal/);
    expect(await page.locator('#main button[data-action="iam_reveal"]').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain(secret);
    await shot('second-reveal-refused');

    await page.click('#main button[data-action="iam_rotation_done"]');
    await expect.poll(() => sandbox.world.jcs.state.keysOf('alice').map((k) => k.access)).toEqual([newKey?.access]);
    await shot('old-key-deleted');
  });

  it('what if: a policy author sees who approves and the provider call, without running anything', async () => {
    await openTab('whatif');
    await page.selectOption('#whatif-person', PEOPLE.alice.id);
    await page.selectOption('#whatif-item', 'osc-ops');
    await page.click('#whatif-go');
    const result = page.locator('.whatif-result');
    await expect.poll(() => result.textContent()).toContain('AddUserToGroup GroupName=ops UserName=alice');
    expect(await result.textContent()).toMatch(/Carol Chen \(member of user group S0PLATFORM\)/);
    await shot('what-if');
  });
});
