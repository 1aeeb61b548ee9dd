import { defineConfig } from 'vitest/config';

// The browser tests: kept apart so `npm test` never needs a browser (`npm run test:e2e` runs these).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // A state the page shows after the bot's work and Slack's posting pace, then the page's next poll: waited for, never slept.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    globalSetup: ['./test/support/build-dist.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
