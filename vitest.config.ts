import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files start servers and child processes; two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});
