// Prints the plain closing line "Tests: N passed, N failed" from Vitest's JSON report.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  process.stdout.write('Tests: 0 passed, 1 failed\n');
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
process.stdout.write(
  `Tests: ${r.numPassedTests} passed, ${r.numFailedTests}${skipped ? ` failed, ${skipped} skipped` : ' failed'}\n`,
);
