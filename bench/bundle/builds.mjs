// The builds measured, all made by Vite with its production defaults (minified by Vite's own
// minifier), so that every figure comes from the same tool set the same way:
//
// - the app: the SDK's plain Vite fixture app (packages/sdk/test/vite-app), as a user ships it,
//   every chunk, the lazily loaded simple-peer chunk included;
// - own code: the SDK's published entry (packages/sdk/dist) with the protocol package it uses,
//   every third-party package left out;
// - for comparison, socket.io-client and simple-peer's browser bundle, each alone.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { build } from 'vite';
import { sizeOfFiles } from './sizes.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SDK = join(ROOT, 'packages/sdk');
const APP = join(SDK, 'test/vite-app');

/** A package the SDK depends on, and not icelane's own. */
const isThirdParty = (id) =>
  !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('@icelane/');

/** Resolves bare imports of `entry` as the SDK package would: its dependencies are there. */
const resolveFromSdk = {
  name: 'resolve-from-sdk',
  resolveId(source, importer, options) {
    if (importer?.startsWith(SDK) || source.startsWith('.') || source.startsWith('/')) return null;
    return this.resolve(source, join(SDK, 'package.json'), { ...options, skipSelf: true });
  },
};

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
    for (const [name, source] of [
      ['socket.io-client', "export { io, Manager, Socket } from 'socket.io-client';"],
      ['simple-peer', "export { default } from 'simple-peer/simplepeer.min.js';"],
    ]) {
      const entry = join(work, `${name}-entry.js`);
      await writeFile(entry, source);
      comparisons[name] = await buildEntry(entry, join(work, name), { plugins: [resolveFromSdk] });
    }
    return { app, ownCode, comparisons };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
