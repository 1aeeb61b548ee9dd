/**
 * The sandbox as a showcase, in a real browser: who must act next and a one-click switch to them through a
 * two-stage request, a denial and an MFA reset; the clock fast-forwarding a grant through its expiry
 * warning to its end and the sweep; Slack's emoji and date tokens; private answers in time order; a page
 * that never scrolls as a whole. The screenshots (test-artifacts/*.png) are the showcase's picture book.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../../src/sandbox/sandbox.ts';
import { PEOPLE } from '../../src/sandbox/world.ts';
import { CHROMIUM, chromiumMissing } from './chromium.ts';
import { openSandboxPage, type SandboxPage } from './driver.ts';

describe.skipIf(chromiumMissing)(`the sandbox as a showcase, in Chromium (${CHROMIUM})`, () => {
  let driver: SandboxPage;
  let sandbox: Sandbox;
  let page: Page;
  const hint = (ref: string) => page.locator(`#waiting li[data-ref="${ref}"]`);
  const persona = () => page.locator('#persona').inputValue();
  const dm = () => page.locator('#main .messages').textContent();
  const requestState = async (ref: string) => (await sandbox.api.bot.services.service.find(ref)).status.state;
  /** The one-click switch in the "Waiting on" list: the person, in their DM. */
  const switchTo = async (ref: string, person: string) => {
    await hint(ref).locator(`button.be[data-person="${person}"]`).click();
    await page.locator(`#main[data-as="${person}"]`).waitFor();
    expect(await persona()).toBe(person);
    await expect.poll(() => page.locator('#nav button.active').getAttribute('data-tab')).toBe('dm');
  };
  /** A click on the clock's fast-forward, answered once the bot has done what fell due. */
  const forward = async (by: string) => {
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/advance'));
    await page.click(`button[data-ff="${by}"]`);
    expect((await answered).status()).toBe(200);
    await page.locator('#busy').waitFor({ state: 'hidden' });
  };
  const command = async (text: string) => {
    await page.fill('#composer-text', text);
    await page.press('#composer-text', 'Enter');
  };

  beforeAll(async () => {
    driver = await openSandboxPage(PEOPLE.alice.id);
    ({ sandbox, page } = driver);
    await page.waitForSelector('[data-provider="Scaleway"] [data-group="developers"]');
  });

  afterAll(async () => {
    await driver?.close();
  });

  it('a two-stage request: the sidebar names who must act next, and one click becomes them', async () => {
    // A private answer first, then the request's DM, then another private answer: they stay in that order.
    await command('/iam help');
    await page.locator('#main .ephemeral').waitFor();
    const ref = await driver.request(
      'group.add',
      'scw-developers',
      { reason: 'Onboarding to the platform team' },
      (moment) => driver.shot(`two-stage-1-request-${moment}`),
    );
    await command('/iam help');
    await expect.poll(() => page.locator('#main .messages > article.ephemeral').count()).toBe(2);
    const order = await page
      .locator('#main .messages > article')
      .evaluateAll((articles) => articles.map((a) => (a.classList.contains('ephemeral') ? 'private' : 'message')));
    expect(order[0]).toBe('private');
    expect(order.at(-1)).toBe('private');
    expect(order).toContain('message');

    await expect.poll(() => hint(ref).textContent()).toContain('Bob Baker to approve or deny stage 1 of 2');
    await driver.shot('two-stage-2-waiting-on-the-manager');
    await switchTo(ref, PEOPLE.bob.id);
    const approve = page.locator('#main button[data-action="iam_approve"]');
    await approve.waitFor();
    await driver.shot('two-stage-3-manager-approves-stage-1');
    await approve.click();

    await expect
      .poll(() => hint(ref).textContent())
      .toContain('Carol Chen or Dave Diaz to approve or deny stage 2 of 2');
    await driver.shot('two-stage-4-waiting-on-the-platform-leads');
    await switchTo(ref, PEOPLE.carol.id);
    await approve.waitFor();
    await approve.click();
    await expect
      .poll(() => page.locator('[data-provider="Scaleway"] [data-group="developers"]').textContent())
      .toContain(PEOPLE.alice.email);
    await expect.poll(() => hint(ref).count()).toBe(0);

    await driver.openTab('C0AUDIT');
    const thread = page.locator('#main .thread').first();
    await expect.poll(() => thread.textContent(), { timeout: 20_000 }).toMatch(/Approved by @Carol Chen/);
    // Emoji as Slack shows them, never their names.
    expect(await thread.textContent()).toContain('✅');
    expect(await page.locator('#main').textContent()).not.toMatch(/:white_check_mark:|:inbox_tray:/);
    await driver.shot('two-stage-5-granted-audit-thread');
  });

  it('a denial: the manager gives a reason, the requester reads it', async () => {
    await driver.openTab('dm');
    await driver.be(PEOPLE.alice.id);
    const ref = await driver.request('group.add', 'jcs-devs', { reason: 'Pairing with the JCS team' });
    await switchTo(ref, PEOPLE.bob.id);
    await page.locator('#main button[data-action="iam_deny"]').last().click();
    await page.locator('.modal textarea[data-action="iam_reason"]').fill('Use the staging group first');
    await driver.shot('denial-1-reason');
    await page.click('#modal-submit');
    await expect.poll(() => requestState(ref)).toBe('denied');
    if (await page.locator('#modal-close').isVisible()) await page.click('#modal-close');
    await page.waitForSelector('#modal', { state: 'hidden' });
    await expect.poll(() => hint(ref).count()).toBe(0);

    await driver.be(PEOPLE.alice.id);
    await expect.poll(dm).toContain('Use the staging group first');
    await driver.shot('denial-2-requester-reads-why');
  });

  it('an MFA reset: a platform lead attests to the identity check, the device is reset', async () => {
    const device = page.locator('[data-provider="JCS"] .mfa');
    const before = await device.textContent();
    const ref = await driver.request('mfa.reset', 'jcs-mfa', { reason: 'Lost my phone' });
    await expect.poll(() => hint(ref).textContent()).toContain('Carol Chen or Dave Diaz to approve or deny');
    await switchTo(ref, PEOPLE.dave.id);
    await page.locator('#main button[data-action="iam_approve"]').last().click();
    await page.locator('.modal input[data-action="iam_verified"]').check();
    await driver.shot('mfa-reset-1-attestation');
    await page.click('#modal-submit');
    await expect.poll(() => requestState(ref)).toBe('completed');
    if (await page.locator('#modal-close').isVisible()) await page.click('#modal-close');
    await expect.poll(() => page.locator('[data-provider="JCS"]').textContent()).not.toContain(before ?? '');
    await driver.be(PEOPLE.alice.id);
    await driver.shot('mfa-reset-2-device-reset');
  });

  it('the clock: a request nobody decides is reminded, escalated to the admins, then expires', async () => {
    const ref = await driver.request('group.add', 'jcs-devs', { reason: 'Nobody answers this one' });
    await driver.openTab('C0AUDIT');
    const thread = page.locator('#main .messages > article', { hasText: ref }).locator('.thread');
    await expect.poll(() => thread.textContent()).toMatch(/Submitted by @Alice Archer/);
    await forward('4h');
    expect(await page.locator('#clock-now').textContent()).toContain('(4h ahead)');
    await expect.poll(() => thread.textContent()).toMatch(/Still waiting: reminded/);
    await forward('4h');
    await forward('4h');
    await expect.poll(() => thread.textContent()).toMatch(/Nobody decided in time: escalated to admins/);
    // The admins may decide now too: the sidebar offers them.
    await expect.poll(() => hint(ref).textContent()).toContain('Bob Baker or Erin Evans to approve or deny');
    await driver.shot('clock-1-reminded-then-escalated');
    await forward('1d');
    await expect.poll(() => requestState(ref)).toBe('expired');
    await expect.poll(() => hint(ref).count()).toBe(0);
    await driver.openTab('dm');
    await driver.shot('clock-2-expired-unanswered');
  });

  it('the clock fast-forwards a grant through its expiry warning to its end, and the sweep runs', async () => {
    const group = page.locator('[data-provider="Cloudflare"] [data-group="prod-admins"]');
    const ref = await driver.request('group.add', 'cf-prod-admins', { duration: '2h', reason: 'Ship the hotfix' });
    await switchTo(ref, PEOPLE.bob.id);
    await page.locator('#main button[data-action="iam_approve"]').last().click();
    await expect.poll(() => group.textContent()).toContain(PEOPLE.alice.email);
    await driver.be(PEOPLE.alice.id);
    // Slack's date token, shown as Slack shows it: in the viewer's time, never the UTC fallback.
    await expect.poll(() => hint(ref).textContent()).toMatch(/active until (Today|Tomorrow) at \d{1,2}:\d{2} [AP]M/);
    await expect.poll(dm).toMatch(/until (Today|Tomorrow) at \d{1,2}:\d{2} [AP]M/);
    expect(await dm()).not.toMatch(/\d{2}:\d{2} UTC/);
    await driver.shot('fast-forward-1-access-granted');

    await forward('1h');
    await expect.poll(() => page.locator('#clock-log').textContent()).toMatch(/sweep: nothing to fix/);
    await forward('15m');
    await forward('15m');
    expect(await dm()).not.toContain('Your access ends');
    await forward('15m');
    // 15 minutes before the end: the warning, with the way to ask for more time; still a member.
    await expect.poll(dm).toContain('Your access ends');
    expect(await group.textContent()).toContain(PEOPLE.alice.email);
    await driver.shot('fast-forward-2-expiry-warning');

    await forward('15m');
    await expect.poll(() => group.textContent()).not.toContain(PEOPLE.alice.email);
    await expect.poll(dm).toContain('has ended');
    await expect.poll(() => hint(ref).count()).toBe(0);
    await driver.shot('fast-forward-3-access-ended');
  });

  it('the page never scrolls as a whole: the persona switcher, the clock and the providers stay in view', async () => {
    await driver.be(PEOPLE.erin.id);
    await driver.openTab('C0AUDIT');
    const pane = page.locator('#main');
    await expect.poll(() => pane.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    await pane.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    expect(await page.evaluate(() => (document.scrollingElement?.scrollHeight ?? 0) <= window.innerHeight)).toBe(true);
    const viewport = page.viewportSize() ?? { width: 0, height: 0 };
    for (const selector of ['#persona', '#clock-now', '#providers-panel h2', '#composer-text']) {
      const box = await page.locator(selector).boundingBox();
      expect(box, selector).not.toBeNull();
      expect(box && box.y >= 0 && box.y + box.height <= viewport.height, selector).toBe(true);
    }
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    const favicon = await page.request.get(new URL(icon ?? '', page.url()).toString());
    expect(favicon.status()).toBe(200);
    expect(favicon.headers()['content-type']).toBe('image/svg+xml');
    await driver.shot('layout-audit-channel-scrolled');
  });
});
