// Bundle size: the SDK as a plain Vite app ships it, its own code, and socket.io-client and
// simple-peer (as shipped, and its own prebuilt bundle) for comparison. Prints a table and
// writes bench/results/bundle.json.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { URL, fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { version as viteVersion } from 'vite';
import { checkBudgets, kB } from './budget.mjs';
import { measureBundles } from './builds.mjs';
import { printTable } from '../lib/table.mjs';

const RESULTS = fileURLToPath(new URL('../results/bundle.json', import.meta.url));

const measured = await measureBundles();
const { app, ownCode, comparisons } = measured;
const row = (label, size) => [label, kB(size.minified), kB(size.gzip), kB(size.brotli)];
console.log(`\nBundle size — Vite ${viteVersion}, production defaults; gzip -9, brotli q11\n`);
printTable([
  ['what', 'minified', 'gzip', 'brotli'],
  row('SDK own code (dist + protocol helpers, no dependencies)', ownCode),
  // Hashes dropped from chunk names: they change with every build.
  ...app.files.map((file) => row(`app chunk ${file.file.replace(/-[\w-]{8}\.js$/, '.js')}`, file)),
  row('app total: SDK with all its dependencies, every chunk', app),
  row('socket.io-client alone', comparisons['socket.io-client']),
  row(
    'simple-peer as the SDK ships it (@icelane/simple-peer-browser)',
    comparisons['simple-peer as shipped'],
  ),
  row("simple-peer's own prebuilt browser bundle", comparisons['simple-peer prebuilt']),
]);

const budgets = checkBudgets(measured);
console.log('\nBudgets');
printTable([
  ['budget', 'gzip', 'limit', 'met'],
  ...budgets.map((b) => [b.budget, kB(b.gzip), `< ${kB(b.limit)}`, b.met ? 'yes' : 'NO']),
]);

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const report = {
  measuredAt: new Date().toISOString(),
  // The SDK is built from the working tree, which may differ from this commit.
  commit,
  vite: viteVersion,
  ...measured,
  budgets,
};
// Formatted as the repository's formatter would, so `prettier --check` passes on it.
const options = { ...(await resolveConfig(RESULTS)), parser: 'json' };
await writeFile(RESULTS, await format(JSON.stringify(report), options));
console.log('\nwritten to bench/results/bundle.json');
