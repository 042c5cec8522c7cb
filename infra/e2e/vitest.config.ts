import { defineConfig } from 'vitest/config';

/** The end-to-end suite: whole systems started as real processes, so one file at a time. */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: {
      json: `${process.env.TASKFLOW_DATA_DIR ?? `${import.meta.dirname}/../../.taskflow`}/test-results/infra-e2e.json`,
    },
  },
});
