// Sums vitest's JSON reports into one closing line, so a run that executed no test is visible.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: test-summary.ts <results dir>');
let files: string[] = [];
try {
  files = readdirSync(dir).filter((name) => name.endsWith('.json'));
} catch {
  files = [];
}
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of files) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8')) as VitestJson;
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`taskflow: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
