import { defineConfig } from 'vitest/config';

/** infra's tests: the end-to-end suite (whole systems as real processes, one file at a time). */
export default defineConfig({
  test: {
    // infra/ is not a package: its unit tests (gateway config) run here too, before the systems.
    root: `${import.meta.dirname}/..`,
    include: ['**/*.unit.test.ts', '**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    reporters: ['default', 'json'],
    outputFile: {
      json: `${process.env.TASKFLOW_DATA_DIR ?? `${import.meta.dirname}/../../.taskflow`}/test-results/infra-e2e.json`,
    },
  },
});
