// The fresh app outside the workspace: the template in ./app, the tarballs and the tools it
// builds with, installed by plain npm from the registry.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { run } from './run.mjs';

const TEMPLATE = fileURLToPath(new URL('./app', import.meta.url));

/** The TypeScript settings the installed packages must typecheck under (skipLibCheck false). */
export const RESOLUTIONS = ['node16', 'bundler', 'node10'];

/** The workspace's versions of the app's tools, so the app builds with what the repo is tested on. */
async function toolVersions(root) {
  const versions = {};
  for (const name of ['typescript', 'vite', '@types/node']) {
    const manifest = join(root, 'node_modules', name, 'package.json');
    versions[name] = JSON.parse(await readFile(manifest, 'utf8')).version;
  }
  return versions;
}

/** Creates the app in `dir` and installs it; `tarballs` maps package names to tarball paths. */
export async function createApp(root, dir, tarballs) {
  await cp(TEMPLATE, dir, { recursive: true });
  const dependencies = Object.fromEntries(
    [...tarballs].map(([name, tarball]) => [name, `file:${tarball}`]),
  );
  const manifest = {
    name: 'icelane-package-install-check',
    private: true,
    type: 'module',
    dependencies,
    devDependencies: await toolVersions(root),
  };
  await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
  });
}

export async function typecheck(dir, resolution) {
  const tsc = join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], { cwd: dir });
}

/** Builds the page with Vite; returns the build's warnings (lines Vite marks as such). */
export async function buildPage(dir) {
  const vite = join(dir, 'node_modules', 'vite', 'bin', 'vite.js');
  const { stdout, stderr } = await run(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: dir,
  });
  return `${stdout}\n${stderr}`.split('\n').filter((line) => line.trim() !== '');
}
