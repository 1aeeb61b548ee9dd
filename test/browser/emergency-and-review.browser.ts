/**
 * Break-glass and an access review in the sandbox, in a real browser, as issue 14 asks them to be shown: an
 * emergency granted at once from the /iam modal and flagged by its reviewer (the admin told), then a review
 * of the same group where a platform lead removes the member. The screenshots join test-artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';
import { PEOPLE } from '../../src/sandbox/world.ts';
import { CHROMIUM, chromiumMissing } from './chromium.ts';
import { openSandboxPage, type SandboxPage } from './driver.ts';

describe.skipIf(chromiumMissing)(`break-glass and access reviews in the sandbox, in Chromium (${CHROMIUM})`, () => {
  let driver: SandboxPage;
  let sandbox: Sandbox;
  let page: Page;
  const dm = () => page.locator('#main .messages').textContent();
  const opsMembers = () => page.locator('[data-provider="Outscale"] [data-group="ops"]').textContent();
  const request = async (ref: string) => sandbox.api.bot.services.service.find(ref);

  beforeAll(async () => {
    driver = await openSandboxPage(PEOPLE.alice.id);
    ({ sandbox, page } = driver);
    await page.waitForSelector('[data-provider="Outscale"] [data-group="ops"]');
  });

  afterAll(async () => {
    await driver?.close();
  });

  it('an emergency is granted at once from the modal; its reviewer flags it and the admin is told', async () => {
    await driver.openTab('dm');
    await page.fill('#composer-text', '/iam');
    await page.press('#composer-text', 'Enter');
    await page.selectOption('.modal select[data-action="iam_kind"]', 'group.add');
    await page.click('.modal input[data-action="iam_item"]');
    await page.click('.modal button.option[data-value="osc-ops"]');
    // Only an item that allows break-glass offers it; the choice updates the modal, so wait for the box.
    const emergency = page.locator('.modal input[data-action="iam_break_glass"]');
    await emergency.waitFor();
    await emergency.check();
    await page.fill(
      '.modal textarea[data-action="iam_emergency"]',
      'Production outage: ops access to restart the gateway',
    );
    await driver.shot('break-glass-1-emergency-declared');
    await page.click('#modal-submit');
    await expect.poll(() => page.locator('#modal').textContent(), { timeout: 15_000 }).toMatch(/REQ-\d{4}/);
    const ref = /REQ-\d{4}/.exec((await page.locator('#modal').textContent()) ?? '')?.[0] ?? '';
    await page.click('#modal-close');
    // At once: no approver was asked, and Outscale shows the member.
    await expect.poll(opsMembers, { timeout: 15_000 }).toContain('alice');
    const granted = await request(ref);
    expect(granted.approvals).toEqual([]);
    expect(granted.breakGlass?.review.state).toBe('awaiting');
    await driver.shot('break-glass-2-granted-at-once');

    // Alice's manager reviews it afterwards.
    await driver.be(PEOPLE.bob.id);
    const flag = page.locator('#main button[data-action="iam_break_glass_flag"]').last();
    await flag.waitFor();
    await driver.shot('break-glass-3-reviewer-asked');
    await flag.click();
    await page.locator('.modal textarea[data-action="iam_reason"]').fill('No incident was declared for this');
    await page.click('#modal-submit');
    await expect.poll(async () => (await request(ref)).breakGlass?.review.state).toBe('flagged');
    if (await page.locator('#modal-close').isVisible()) await page.click('#modal-close');
    await page.waitForSelector('#modal', { state: 'hidden' });
    await expect.poll(() => page.locator('#main button[data-action="iam_break_glass_flag"]').count()).toBe(0);

    await driver.be(PEOPLE.erin.id);
    await expect.poll(dm).toContain('No incident was declared for this');
    await driver.shot('break-glass-4-admin-told-of-the-flag');
  });

  it('an access review asks the platform leads about each member; a removal takes the member out', async () => {
    const asked = page.waitForResponse((r) => r.url().endsWith('/api/review'));
    await page.click('#review-start');
    expect((await asked).status()).toBe(200);

    await driver.be(PEOPLE.carol.id);
    await driver.openTab('dm');
    const remove = page.locator('#main button[data-action="iam_review_remove"]').first();
    await remove.waitFor();
    await driver.shot('access-review-1-reviewer-asked');
    await remove.click();
    // The removal goes through the executor like a revoke: Outscale no longer lists the member.
    await expect.poll(opsMembers, { timeout: 15_000 }).not.toContain('alice');
    await driver.shot('access-review-2-member-removed');
  });
});
