// The two servers compared, each set up the same way: a Node HTTP server on 127.0.0.1 with the
// same socket.io (the copy @icelane/server depends on) attached with the same options.
//
// - icelane: the real `createIcelaneServer` from the built package, its real ICE source with the
//   Cloudflare provider pointed at a local stand-in of Cloudflare's API, a shared credential
//   cache, Prometheus metrics and the logger, as the CLI wires them.
// - bare: socket.io alone; `room:join` and `room:leave` only acknowledge.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { URL, pathToFileURL } from 'node:url';

/**
 * The built @icelane/server: this checkout's, or another build's `dist/index.js` (compare.mjs
 * measures older commits side by side). Loaded alone, so a process holds one build.
 */
export function loadServer(dist = '') {
  return import(dist ? pathToFileURL(dist).href : '../../packages/server/dist/index.js');
}

const requireFromServer = createRequire(
  new URL('../../packages/server/package.json', import.meta.url),
);
const { Server } = requireFromServer('socket.io');

// The load comes from one address, the loopback, and runs each socket faster than a person: the
// per-socket and per-IP join limits would refuse it after a few joins, the per-socket message
// budget (150/s) cut a busy socket, and the cap on TCP connections per address (256) refuse all
// past 256 sockets. They stay in the path (every join and message still takes its tokens, every
// connection is counted), only with room enough for a benchmark.
const UNLIMITED = { burst: 1e9, perSecond: 1e9 };
const benchLimits = {
  rateLimits: { join: UNLIMITED, joinPerIp: UNLIMITED, messages: UNLIMITED },
  maxConnectionsPerAddress: 1e9,
};

/**
 * @param {typeof import('../../packages/server/dist/index.js')} server a build from `loadServer`
 * @param {{ apiUrl: string, keyId: string, token: string }} cloudflare where the provider calls go
 * @returns {{ httpServer: import('node:http').Server, io: import('socket.io').Server, mints(): Promise<number>, cacheLookups(): Promise<Record<string, number>>, close(): Promise<void> }}
 */
export function createIcelane(server, cloudflare) {
  const {
    createCloudflareProvider,
    createIceSource,
    createIcelaneServer,
    createLogger,
    createMetrics,
  } = server;
  const httpServer = createServer();
  const logger = createLogger({ level: 'info' });
  const metrics = createMetrics();
  const iceSource = createIceSource(
    {
      provider: createCloudflareProvider({
        keyId: cloudflare.keyId,
        apiToken: cloudflare.token,
        apiUrl: cloudflare.apiUrl,
      }),
      scope: 'shared',
    },
    { logger, metrics },
  );
  const app = createIcelaneServer(httpServer, { iceSource, logger, metrics }, benchLimits);
  return {
    httpServer,
    /** The socket.io server: join-path.mjs drives its sockets directly. */
    io: app.io,
    /** Provider calls the server itself counted (`icelane_credential_mints_total`). */
    async mints() {
      const { values } = await metrics.credentialMints.get();
      return values.reduce((sum, { value }) => sum + value, 0);
    },
    /** Shared-credential cache lookups by result: hit, miss (waited for a mint), stale. */
    async cacheLookups() {
      const { values } = await metrics.credentialCache.get();
      return Object.fromEntries(values.map(({ labels, value }) => [labels.result, value]));
    },
    close: () => app.close(),
  };
}

/** socket.io with icelane's socket.io options, and handlers that only acknowledge. */
export function createBare({ icelaneServerDefaults }) {
  const httpServer = createServer();
  const io = new Server(httpServer, {
    path: '/socket.io',
    maxHttpBufferSize: icelaneServerDefaults.maxHttpBufferSize,
    cors: { origin: '*' },
  });
  io.on('connection', (socket) => {
    socket.on('room:join', (_request, ack) => ack({ data: null }));
    socket.on('room:leave', (ack) => ack({ data: { left: true } }));
  });
  return {
    httpServer,
    mints: async () => 0,
    cacheLookups: async () => ({}),
    close: () => new Promise((resolve) => io.close(() => resolve())),
  };
}
