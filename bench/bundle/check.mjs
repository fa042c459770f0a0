// The SDK's bundle budget, run by the test suite (scripts/test.sh): builds the SDK, measures it
// as an app ships it, and exits non-zero when a budget is exceeded.
import { execFileSync } from 'node:child_process';
import { URL, fileURLToPath } from 'node:url';
import { checkBudgets, kB } from './budget.mjs';
import { measureBundles } from './builds.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Measures what would be published: dist, built from the current sources.
execFileSync('pnpm', ['--filter', '@icelane/sdk...', 'run', 'build'], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const measured = await measureBundles();
const results = checkBudgets(measured);
for (const { budget, gzip, limit, met } of results) {
  console.log(`${met ? 'ok  ' : 'OVER'} ${budget}: ${kB(gzip)} gzip (budget < ${kB(limit)})`);
}
for (const file of measured.app.files)
  console.log(`     chunk ${file.file}: ${kB(file.gzip)} gzip`);
if (results.some((result) => !result.met)) {
  console.log('bundle budget exceeded: `pnpm run bench:bundle` shows what each part weighs');
  process.exitCode = 1;
}
