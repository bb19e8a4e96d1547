import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: files run in parallel on two cores, and a wait that takes 2 s alone can take many times that.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Test files start servers and child processes; two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});
