// Builds simple-peer into one browser ES module (dist/simple-peer.js). simple-peer imports Node's
// streams, `buffer`, `debug` and `randombytes`; its own prebuilt bundle carries full browser
// copies of them, four fifths of its size. It uses a sliver of each, so the build points those
// imports at the stand-ins in ./shims, which do exactly that much.
import { URL, fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

await build({
  configFile: false,
  logLevel: 'warn',
  resolve: {
    alias: {
      'readable-stream': here('./shims/stream.cjs'),
      buffer: here('./shims/buffer.cjs'),
      debug: here('./shims/debug.cjs'),
      randombytes: here('./shims/randombytes.cjs'),
      'queue-microtask': here('./shims/queue-microtask.cjs'),
    },
  },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    // Apps minify it with the rest of their code; readable output helps when debugging.
    minify: false,
    lib: { entry: here('./shims/entry.js'), formats: ['es'], fileName: () => 'simple-peer.js' },
  },
});
