// The pack-and-install check (scripts/test.sh runs it; `pnpm run check:package-install`): packs
// every published package with pnpm, checks each tarball (publint, entry points, source maps,
// no workspace: range), installs the tarballs with plain npm into a fresh app in a temporary
// directory outside the workspace, typechecks it strictly under moduleResolution node16, bundler
// and node10 with skipLibCheck false and as a CommonJS app under nodenext, loads both packages
// with import and with require, builds its page with Vite, starts the installed
// `icelane-server` and runs a video call with data between two headless Chromium pages through
// it. The packages must be built first. The temporary directory is removed however it ends.
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { buildPage, createApp, RESOLUTIONS, typecheck } from './app.mjs';
import { launchChromium, runCall, startServer } from './call.mjs';
import { inspectTarball, packAll } from './pack.mjs';
import { run } from './run.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Packages a plain install must not bring: bundled (simple-peer) or optional (ioredis). */
const NOT_INSTALLED = ['simple-peer', 'ioredis'];

const started = Date.now();
const say = (line) =>
  console.log(`package-install: ${line} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

async function check(work) {
  const tarballs = await packAll(root, join(work, 'tarballs'));
  const problems = [];
  for (const [name, tarball] of tarballs) {
    const report = await inspectTarball(tarball, join(work, 'unpacked', name));
    problems.push(...report.problems.map((problem) => `${name}: ${problem}`));
    const publint = join(root, 'node_modules', '.bin', 'publint');
    await run(publint, ['run', tarball, '--strict'], { cwd: work }).catch((error) =>
      problems.push(`${name}: publint: ${error.message}`),
    );
    say(`${name}: ${report.files} files, ${report.maps} source maps checked, publint run`);
  }
  if (problems.length > 0) throw new Error(`the tarballs:\n${problems.join('\n')}`);

  const app = join(work, 'app');
  await createApp(root, app, tarballs);
  say('installed with npm');
  for (const name of NOT_INSTALLED) {
    const present = await access(join(app, 'node_modules', name)).then(
      () => true,
      () => false,
    );
    if (present) throw new Error(`npm installed ${name}, which no published package should need`);
  }
  // The CommonJS check reads the declarations the three others check (skipLibCheck false), so
  // it skips them: 2.5 s instead of 11 on this machine.
  await Promise.all([...RESOLUTIONS, 'cjs'].map((resolution) => typecheck(app, resolution)));
  say(`typechecked under ${RESOLUTIONS.join(', ')}, and as CommonJS under nodenext`);
  const warnings = await buildPage(app);
  if (warnings.length > 0) throw new Error(`vite build warned:\n${warnings.join('\n')}`);
  say('page built with Vite');

  // The server's index loads in Node with what npm installed, and the SDK imports there too
  // (no window at import time).
  const imports = "await import('@icelane/server'); await import('@icelane/sdk');";
  await run(process.execPath, ['--input-type=module', '-e', imports], { cwd: app });
  // A CommonJS app requires them (Node 20.19 loads an ES module through require unless it has a
  // top-level await).
  const requires = "require('@icelane/server'); require('@icelane/sdk');";
  await run(process.execPath, ['--input-type=commonjs', '-e', requires], { cwd: app });
  await refusesRedisWithoutClient(app);

  const server = await startServer(app);
  cleanups.push(() => server.stop());
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const reports = await runCall(browser, server.url);
  say(
    `call up (${reports.map((r) => `${r.local.type}→${r.remote.type}`).join(', ')}), data and video both ways`,
  );
}

/** With REDIS_URL and no ioredis installed, the server refuses to start and says what to install. */
async function refusesRedisWithoutClient(app) {
  const server = startServer(app, { REDIS_URL: 'redis://127.0.0.1:9' });
  const outcome = await server.then(
    async (s) => {
      await s.stop();
      return null;
    },
    (error) => error.message,
  );
  if (outcome === null || !outcome.includes('npm install ioredis')) {
    throw new Error(`REDIS_URL without ioredis should refuse to start, naming it: ${outcome}`);
  }
}

/** What to undo, newest first, however the check ends: passed, failed or interrupted. */
const cleanups = [];
async function cleanUp() {
  for (let undo = cleanups.pop(); undo; undo = cleanups.pop()) await undo().catch(() => {});
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(1)));
}

const work = await mkdtemp(join(tmpdir(), 'icelane-package-install-'));
cleanups.push(() => rm(work, { recursive: true, force: true }));
try {
  await check(work);
  say('passed');
} catch (error) {
  console.error(`package-install: FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
