import { defineConfig } from 'vitest/config';

// The browser tests: kept apart so `npm test` never needs a browser (`npm run test:e2e` runs these).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    globalSetup: ['./test/support/build-dist.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
