// The builds measured, all made by Vite with its production defaults (minified by Vite's own
// minifier), so that every figure comes from the same tool set the same way:
//
// - the app: the SDK's plain Vite fixture app (packages/sdk/test/vite-app), as a user ships it,
//   every chunk, the lazily loaded simple-peer chunk included;
// - own code: the SDK's published entry (packages/sdk/dist) with the protocol package it uses,
//   every third-party package left out;
// - for comparison, socket.io-client alone; simple-peer as the SDK ships it (built by
//   @icelane/simple-peer-browser with small stand-ins for the Node modules it imports), and
//   simple-peer's own prebuilt browser bundle, which carries full copies of them.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { build } from 'vite';
import { sizeOfFiles } from './sizes.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SDK = join(ROOT, 'packages/sdk');
const SIMPLE_PEER_BROWSER = join(ROOT, 'packages/simple-peer-browser');
const APP = join(SDK, 'test/vite-app');

/** A package the SDK depends on, and not the SDK's own code (simple-peer's build included). */
const isThirdParty = (id) =>
  !id.startsWith('.') &&
  !id.startsWith('/') &&
  (!id.startsWith('@icelane/') || id.startsWith('@icelane/simple-peer-browser'));

/** Resolves the bare imports of an entry written outside the repository as `pkg` would. */
const resolveFrom = (pkg) => ({
  name: 'resolve-from-package',
  resolveId(source, importer, options) {
    if (importer?.startsWith(pkg) || source.startsWith('.') || source.startsWith('/')) return null;
    return this.resolve(source, join(pkg, 'package.json'), { ...options, skipSelf: true });
  },
});

async function jsFiles(dir) {
  const names = await readdir(dir, { recursive: true });
  return names.filter((name) => name.endsWith('.js')).map((name) => join(dir, name));
}

/** Builds `input` as an app would (minified, ES modules), keeping its exports. */
async function buildEntry(input, outDir, { external, plugins = [] } = {}) {
  await build({
    root: ROOT,
    configFile: false,
    logLevel: 'silent',
    plugins,
    build: {
      outDir,
      emptyOutDir: true,
      copyPublicDir: false,
      rollupOptions: {
        input,
        external,
        preserveEntrySignatures: 'strict',
        output: { entryFileNames: '[name].js', chunkFileNames: '[name].js' },
      },
    },
  });
  return sizeOfFiles(await jsFiles(outDir));
}

/** Builds everything measured in a temporary directory, removed afterwards. */
export async function measureBundles() {
  const work = await mkdtemp(join(tmpdir(), 'icelane-bundle-'));
  try {
    await build({
      root: APP,
      configFile: false,
      logLevel: 'silent',
      build: { outDir: join(work, 'app'), emptyOutDir: true },
    });
    const app = await sizeOfFiles(await jsFiles(join(work, 'app')));

    const ownCode = await buildEntry(join(SDK, 'dist/index.js'), join(work, 'own'), {
      external: isThirdParty,
    });

    const comparisons = {};
    for (const [name, source, from] of [
      ['socket.io-client', "export { io, Manager, Socket } from 'socket.io-client';", SDK],
      ['simple-peer as shipped', "export { default } from '@icelane/simple-peer-browser';", SDK],
      [
        'simple-peer prebuilt',
        "export { default } from 'simple-peer/simplepeer.min.js';",
        SIMPLE_PEER_BROWSER,
      ],
    ]) {
      const entry = join(work, `${name.replaceAll(' ', '-')}-entry.js`);
      await writeFile(entry, source);
      comparisons[name] = await buildEntry(entry, join(work, name.replaceAll(' ', '-')), {
        plugins: [resolveFrom(from)],
      });
    }
    return { app, ownCode, comparisons };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
