// Prints the suite's last line: how many tests passed, failed and were skipped across vitest and
// Playwright, and which steps failed. Exits non-zero when anything failed.
import { readFileSync } from 'node:fs';

// Arguments: the vitest reports and the Playwright reports (each comma-separated), then failed
// steps.
const [vitestFiles = '', playwrightFiles = '', ...failedSteps] = process.argv.slice(2);

function read(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
const vitests = vitestFiles.split(',').filter(Boolean).map(read);
for (const vitest of vitests.filter(Boolean)) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
}
const vitest = vitests.length > 0 && vitests.every(Boolean);
const playwrights = playwrightFiles.split(',').filter(Boolean).map(read);
for (const playwright of playwrights.filter(Boolean)) {
  // A flaky test passed on a retry; it is counted as passed and named in the line.
  totals.passed += playwright.stats.expected + playwright.stats.flaky;
  totals.failed += playwright.stats.unexpected;
  totals.flaky += playwright.stats.flaky;
  totals.skipped += playwright.stats.skipped;
}
const playwright = playwrights.length > 0 && playwrights.every(Boolean);
const missing = [!vitest && 'vitest', !playwright && 'playwright'].filter(Boolean);
const problems = [
  ...(totals.flaky ? [`${totals.flaky} flaky`] : []),
  ...failedSteps.map((step) => `${step} failed`),
  ...missing.map((r) => `${r} reported nothing`),
];
const ok = totals.failed === 0 && problems.length === 0;
console.log(
  `${ok ? 'PASS' : 'FAIL'}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped` +
    (problems.length ? ` (${problems.join('; ')})` : ''),
);
process.exit(ok ? 0 : 1);
