// One server under test in its own process (`node --expose-gc`): `icelane` or `bare`, on
// 127.0.0.1 and a free port. Answers the benchmark's requests for its memory and CPU use.
import { cpuUsage, memoryUsage } from 'node:process';
import { setImmediate } from 'node:timers/promises';
import { serveRequests } from './children.mjs';
import { createBare, createIcelane } from './servers.mjs';

const [kind, cloudflareJson] = process.argv.slice(2);
const server = kind === 'icelane' ? createIcelane(JSON.parse(cloudflareJson)) : createBare();

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
