// The SDK's bundle budget, run by the test suite (scripts/test.sh): builds the SDK, measures it
// as an app ships it, and exits non-zero when a budget is exceeded.
import { execFileSync } from 'node:child_process';
import { URL, fileURLToPath } from 'node:url';
import { checkBudgets, kB } from './budget.mjs';
import { measureBundles } from './builds.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Measures what would be published: dist, built from the current sources.
execFileSync(
  'pnpm',
  ['--filter', '@icelane/protocol', '--filter', '@icelane/sdk', 'run', 'build'],
  {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const measured = await measureBundles();
const results = checkBudgets(measured);
for (const { budget, gzip, targetGzip, ceilingGzip, targetMet, withinCeiling } of results) {
  const verdict = !withinCeiling ? 'OVER' : targetMet ? 'ok  ' : 'ok* ';
  const target = targetMet ? 'target met' : `over the ${kB(targetGzip)} target`;
  console.log(
    `${verdict} ${budget}: ${kB(gzip)} gzip (${target}; the suite fails at ${kB(ceilingGzip)})`,
  );
}
for (const file of measured.app.files)
  console.log(`     chunk ${file.file}: ${kB(file.gzip)} gzip`);
if (results.some((result) => !result.withinCeiling)) {
  console.log('bundle budget exceeded: `pnpm run bench:bundle` shows what each part weighs');
  process.exitCode = 1;
}
