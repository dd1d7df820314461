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
  // Named here because a long run's own output may be cut before its failures.
  for (const suite of report.testResults ?? []) {
    const where = path.relative(process.cwd(), suite.name);
    if (suite.status === 'failed' && !(suite.assertionResults ?? []).some((t) => t.status === 'failed')) {
      console.log(`FAILED ${where}: ${firstLine(suite.message)}`);
    }
    for (const test of suite.assertionResults ?? []) {
      if (test.status === 'failed') console.log(`FAILED ${where} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
    }
  }
}
function firstLine(text = '') {
  // eslint-disable-next-line no-control-regex
  const plain = String(text).replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').map((line) => line.trim()).filter(Boolean).slice(0, 12).join(' | ').slice(0, 1500);
}
if (Number(status) !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
