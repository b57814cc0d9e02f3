import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The page's script is compiled for the browser by its own tsc project; the page needs it.
    globalSetup: ['test/support/build-page.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real servers; two cores do not gain from more workers.
    maxWorkers: 2,
  },
});
