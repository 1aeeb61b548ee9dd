import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Most tests wait on sockets, child processes and timers rather than the CPU, so more workers than cores
    // shorten the run; vitest defaults to cores - 1 (a single worker on a two-core CI machine).
    maxWorkers: 4,
    // The ack matrix's twelve flows run at once (describe.concurrent): they wait on simulated latency, not the CPU.
    maxConcurrency: 12,
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    globalSetup: ['./test/support/build-dist.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
