import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * Every package's vitest config: besides the console report, each run writes a JSON report
 * under the data folder so `./taskflow test` can print one closing count for the whole suite.
 */
export function taskflowVitestConfig(packageDir: string) {
  const suite = process.argv.find((arg) => /^(unit|int|e2e)\.test$/.test(arg))?.split('.')[0] ?? 'all';
  const resultsDir = `${process.env.TASKFLOW_DATA_DIR ?? `${packageDir}/../.taskflow`}/test-results`;
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 120_000,
      reporters: ['default', 'json'],
      outputFile: { json: `${resultsDir}/${basename(packageDir)}-${suite}.json` },
    },
  });
}
