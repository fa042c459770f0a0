// Packs each published package as `pnpm publish` would and checks the tarball itself: what the
// registry would serve, not the workspace.
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { run } from './run.mjs';

/** The published packages, each after the ones it depends on. */
export const PUBLISHED = ['protocol', 'simple-peer-browser', 'sdk', 'server'];

/** Packs every published package into `dir`; returns each tarball's path by package name. */
export async function packAll(root, dir) {
  await mkdir(dir, { recursive: true });
  const tarballs = new Map();
  for (const name of PUBLISHED) {
    const packageDir = join(root, 'packages', name);
    const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
    // pnpm, as a release does: it writes workspace: ranges as versions (see docs/releasing.md).
    await run('pnpm', ['pack', '--pack-destination', dir], { cwd: packageDir, env: process.env });
    const file = `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`;
    tarballs.set(manifest.name, join(dir, file));
  }
  return tarballs;
}

/**
 * Unpacks a tarball into `dir` and lists what would keep it from working once installed: a
 * `workspace:` range, a `source` condition, an entry point or a source map's source that is not
 * in the tarball, a missing LICENSE or README.
 */
export async function inspectTarball(tarball, dir) {
  await mkdir(dir, { recursive: true });
  await run('tar', ['xzf', tarball, '-C', dir]);
  const packageDir = join(dir, 'package');
  const files = new Set(await listFiles(packageDir));
  const problems = [];
  const manifestText = await readFile(join(packageDir, 'package.json'), 'utf8');
  const manifest = JSON.parse(manifestText);
  if (manifestText.includes('workspace:')) problems.push('package.json has a workspace: range');
  if (JSON.stringify(manifest.exports ?? {}).includes('"source"')) {
    problems.push('exports has a `source` condition');
  }
  for (const required of ['LICENSE', 'README.md']) {
    if (!files.has(required)) problems.push(`${required} is missing`);
  }
  for (const entry of entryPoints(manifest)) {
    if (!files.has(entry)) problems.push(`entry point ${entry} is not in the tarball`);
  }
  // The registry shows the README alone: a relative link to a file not shipped is dead there.
  if (files.has('README.md')) {
    const readme = await readFile(join(packageDir, 'README.md'), 'utf8');
    for (const [, target] of readme.matchAll(/\]\(([^)\s#]+)[^)]*\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue;
      if (!files.has(relative(packageDir, resolve(packageDir, target)))) {
        problems.push(`README.md links to ${target}, which the tarball does not have`);
      }
    }
  }
  let maps = 0;
  for (const file of files) {
    if (!file.endsWith('.map')) continue;
    maps++;
    const map = JSON.parse(await readFile(join(packageDir, file), 'utf8'));
    const base = resolve(packageDir, dirname(file), map.sourceRoot ?? '');
    map.sources.forEach((source, i) => {
      const target = relative(packageDir, resolve(base, source));
      if (!files.has(target) && typeof map.sourcesContent?.[i] !== 'string') {
        problems.push(
          `${file}: source ${source} is neither in the tarball nor embedded (a stale dist/? ` +
            '`pnpm -r run clean` and build again)',
        );
      }
    });
  }
  return { name: manifest.name, files: files.size, maps, problems };
}

/** Every file path the manifest points at, relative to the package root. */
function entryPoints(manifest) {
  const paths = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})];
  const walk = (value) => {
    if (typeof value === 'string') paths.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  return paths.filter((path) => typeof path === 'string').map((path) => path.replace(/^\.\//, ''));
}

async function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, path)));
    else if ((await stat(join(dir, path))).isFile()) out.push(path);
  }
  return out;
}
