import { defineConfig } from 'vitest/config';

/**
 * Browser end-to-end tests (`npm run test:e2e`): real Chromium, the real server, two pages.
 * One fork, one file at a time: the tests share two CPU cores with Chromium, and the real-loss
 * cases change the network namespace's nftables rules, which must not leak into another test.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
    globalSetup: ['test/e2e/harness/global-setup.ts'],
  },
});
