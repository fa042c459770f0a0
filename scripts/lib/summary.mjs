// Prints the suite's last line: how many tests passed, failed and were skipped across vitest and
// Playwright, and which steps failed. Exits non-zero when anything failed.
import { readFileSync } from 'node:fs';

// Arguments: the vitest reports and the Playwright reports (each comma-separated), then failed
// steps.
const [vitestFiles = '', playwrightFiles = '', ...failedSteps] = process.argv.slice(2);

function relative(file) {
  return file.startsWith(process.cwd() + '/') ? file.slice(process.cwd().length + 1) : file;
}

function firstLine(text = '') {
  return text.split('\n')[0].slice(0, 200);
}

// [title path, outcome] for every test in a Playwright JSON report's nested suites.
function* playwrightOutcomes(suites, path) {
  for (const suite of suites) {
    const here = suite.title ? [...path, suite.title] : path;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        yield [[...here, spec.title].join(' > ') + ` [${test.projectName}]`, test.status];
      }
    }
    yield* playwrightOutcomes(suite.suites ?? [], here);
  }
}

function read(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
// The tests that failed (or passed only on a retry) are named above the last line, so that the
// tail of a long run says which one it was.
const named = [];
const vitests = vitestFiles.split(',').filter(Boolean).map(read);
for (const vitest of vitests.filter(Boolean)) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests;
  totals.skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
  for (const file of vitest.testResults ?? []) {
    const failures = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failures) named.push(`failed: ${relative(file.name)} > ${test.fullName}`);
    // A file that failed to load or whose hooks threw has no failed test to name.
    if (file.status === 'failed' && failures.length === 0) {
      named.push(`failed: ${relative(file.name)}: ${firstLine(file.message)}`);
    }
  }
}
const vitest = vitests.length > 0 && vitests.every(Boolean);
const playwrights = playwrightFiles.split(',').filter(Boolean).map(read);
for (const playwright of playwrights.filter(Boolean)) {
  // A flaky test passed on a retry; it is counted as passed and named in the line.
  totals.passed += playwright.stats.expected + playwright.stats.flaky;
  totals.failed += playwright.stats.unexpected;
  totals.flaky += playwright.stats.flaky;
  totals.skipped += playwright.stats.skipped;
  for (const [title, outcome] of playwrightOutcomes(playwright.suites ?? [], [])) {
    if (outcome === 'unexpected' || outcome === 'flaky') named.push(`${outcome}: ${title}`);
  }
}
const playwright = playwrights.length > 0 && playwrights.every(Boolean);
const missing = [!vitest && 'vitest', !playwright && 'playwright'].filter(Boolean);
const problems = [
  ...(totals.flaky ? [`${totals.flaky} flaky`] : []),
  ...failedSteps.map((step) => `${step} failed`),
  ...missing.map((r) => `${r} reported nothing`),
];
for (const line of named) console.log(line);
const ok = totals.failed === 0 && problems.length === 0;
console.log(
  `${ok ? 'PASS' : 'FAIL'}: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped` +
    (problems.length ? ` (${problems.join('; ')})` : ''),
);
process.exit(ok ? 0 : 1);
