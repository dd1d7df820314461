// Adds up Jest's JSON reports and prints `N passed, N failed` as the last line.
// A non-zero exit of the test command with no failing test (lint, typecheck) counts as one failure.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const [dir = 'reports/jest', status = '0'] = process.argv.slice(2);
let passed = 0;
let failed = 0;
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
for (const file of files) {
  const report = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
}
if (Number(status) !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
