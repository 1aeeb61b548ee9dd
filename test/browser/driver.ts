/**
 * The sandbox page as a person drives it, for the browser tests: a sandbox, Debian's Chromium on its page,
 * and the moves people make (be someone, open a tab, ask through the /iam modal), each screenshot saved
 * in test-artifacts/.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { captureLog } from '../support/capture-log.ts';
import { launchChromium } from './chromium.ts';

export const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');

export interface SandboxPage {
  sandbox: Sandbox;
  page: Page;
  /** Saves `test-artifacts/NAME.png`. */
  shot(name: string): Promise<void>;
  /** Switches persona with the sidebar's menu; answers once the page shows their Slack. */
  be(id: string): Promise<void>;
  openTab(tab: string): Promise<void>;
  /**
   * Through the /iam modal, as a person would: the kind, then the catalog item from the search, then the
   * fields; `shoot` is called with the form filled in and with its answer. Answers the request's ref.
   */
  request(
    kind: string,
    itemId: string,
    fields: { duration?: string; reason?: string },
    shoot?: (moment: 'filled' | 'submitted') => Promise<void>,
  ): Promise<string>;
  close(): Promise<void>;
}

export async function openSandboxPage(as: string): Promise<SandboxPage> {
  await mkdir(ARTIFACTS, { recursive: true });
  const sandbox = await startSandbox({ log: captureLog().log, port: 0, tickMs: 0 });
  const browser = await launchChromium().catch(async (error: unknown) => {
    await sandbox.close();
    throw error;
  });
  const page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${sandbox.port}/?as=${as}`);
  const shot = async (name: string) => {
    // The picture shows a settled page, not the "working…" badge of a click still in flight.
    await page.locator('#busy').waitFor({ state: 'hidden' });
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  };
  return {
    sandbox,
    page,
    shot,
    async be(id) {
      await page.selectOption('#persona', id);
      await page.locator(`#main[data-as="${id}"]`).waitFor();
    },
    async openTab(tab) {
      await page.click(`#nav [data-tab="${tab}"]`);
    },
    async request(kind, itemId, fields, shoot) {
      await page.fill('#composer-text', '/iam');
      await page.press('#composer-text', 'Enter');
      await page.waitForSelector('.modal select[data-action="iam_kind"]');
      await page.selectOption('.modal select[data-action="iam_kind"]', kind);
      await page.click('.modal input[data-action="iam_item"]');
      await page.click(`.modal button.option[data-value="${itemId}"]`);
      // A group's choice makes the bot update the modal (its duration hint): fill the form only once that
      // update is shown, or the update's re-render would lose what was typed before it.
      if (kind === 'group.add')
        await expect
          .poll(() => page.locator('.modal').textContent())
          .not.toContain('Choose a group to see how long its access lasts.');
      if (fields.duration) await page.fill('.modal input[data-action="iam_duration"]', fields.duration);
      if (fields.reason) await page.fill('.modal textarea[data-action="iam_reason"]', fields.reason);
      await shoot?.('filled');
      await page.click('#modal-submit');
      // The form is answered at once and the modal then shows the outcome, as in Slack: read it, then close it.
      await expect.poll(() => page.locator('#modal').textContent(), { timeout: 15_000 }).toMatch(/REQ-\d{4}/);
      const ref = /REQ-\d{4}/.exec((await page.locator('#modal').textContent()) ?? '')?.[0] ?? '';
      await shoot?.('submitted');
      await page.click('#modal-close');
      await page.waitForSelector('#modal', { state: 'hidden' });
      return ref;
    },
    async close() {
      await browser.close();
      await sandbox.close();
    },
  };
}
