// One server under test in its own process (`node --expose-gc`): `icelane` or `bare`, on
// 127.0.0.1 and a free port. Answers the benchmark's requests for its memory and CPU use.
import { cpuUsage, memoryUsage } from 'node:process';
import { setImmediate } from 'node:timers/promises';
import { serveRequests } from './children.mjs';
import { createBare, createIcelane, loadServer } from './servers.mjs';

// `dist`: another build of @icelane/server to measure (compare.mjs); empty for this checkout's.
const [kind, cloudflareJson, dist] = process.argv.slice(2);
const build = await loadServer(kind === 'icelane' ? dist : '');
const server =
  kind === 'icelane' ? createIcelane(build, JSON.parse(cloudflareJson)) : createBare(build);

serveRequests(
  {
    /** Heap and RSS after full collections, so only live objects count. */
    async memory() {
      for (let i = 0; i < 4; i++) {
        globalThis.gc();
        await setImmediate();
      }
      const { heapUsed, rss, external, arrayBuffers } = memoryUsage();
      return { heapUsed, rss, external, arrayBuffers };
    },
    cpu: () => cpuUsage(),
    mints: () => server.mints(),
    cacheLookups: () => server.cacheLookups(),
  },
  () => server.close(),
);

server.httpServer.listen(0, '127.0.0.1', () => {
  process.send({ type: 'ready', port: server.httpServer.address().port });
});
