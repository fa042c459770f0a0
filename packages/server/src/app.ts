/**
 * `createIcelaneServer`: signaling over socket.io and the HTTP routes, on an HTTP server the
 * caller owns. It never listens; `main.ts` (or the embedding app) does.
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { IceSource } from './credentials/ice-source.js';
import { originGate, type CorsOrigins } from './http/cors.js';
import { createRoutes } from './http/routes.js';
import { createStaticHandler } from './http/static-files.js';
import { silentLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { localRoster } from './scale/roster.js';
import type { ScaleHealth, ScaleOut } from './scale/scale-out.js';
import { allowAll, type Authorize } from './signaling/authorize.js';
import { onConnection } from './signaling/connection.js';
import { roomKey, systemClock, type Clock, type IcelaneIo } from './signaling/context.js';
import { Limiters, rateLimitsDefaults, type RateLimits } from './signaling/limiters.js';
import { RoomRegistry } from './signaling/rooms.js';

/** The parts the server works with; only `iceSource` has no default. */
export interface IcelaneServerDeps {
  /** Where the ICE servers handed to clients come from (see `createIceSource`). */
  iceSource: IceSource;
  /** @default silentLogger */
  logger?: Logger;
  /** @default createMetrics() */
  metrics?: Metrics;
  /** @default the system clock */
  clock?: Clock;
  /** Decides who may join which room, and who may `GET /ice`. @default everyone */
  authorize?: Authorize;
  /**
   * Several nodes on one Redis (see `createRedisScaleOut`): rooms, the room cap and signals span
   * the nodes. Closed by `close()`. @default none: this node alone
   */
  scaleOut?: ScaleOut;
}

export interface IcelaneServerOptions {
  /** Peers per room; calls are a full mesh, so a few. */
  roomPeerCap: number;
  /** Origins whose pages may connect and `GET /ice`; `['*']` for any. */
  corsOrigins: CorsOrigins;
  /** Overrides of single limits; the others keep their defaults (`rateLimitsDefaults`). */
  rateLimits: Partial<RateLimits>;
  /** A built page served at `/` (with `index.html` for routes without an extension). */
  staticDir: string | null;
  /** Prepended to the HTTP routes and the socket.io path, e.g. `/rtc`; empty for none. */
  pathPrefix: string;
  /**
   * Reverse proxies in front of the server (0: clients connect directly). Per-IP limits then key
   * on the address the outermost trusted proxy saw, from `X-Forwarded-For`.
   */
  trustedProxies: number;
  /** Whether to answer HTTP requests (routes, page, 404) at all; off when mounting elsewhere. */
  httpRoutes: boolean;
  /** socket.io's cap on one inbound message, just above the protocol's largest payload. */
  maxHttpBufferSize: number;
  /** Sent with `server:shutdown`: how long clients should wait before reconnecting. */
  shutdownReconnectAfterMs: number;
  /** How long `close()` waits for clients to receive `server:shutdown` before cutting them off. */
  shutdownDrainMs: number;
}

export const icelaneServerDefaults: IcelaneServerOptions = {
  roomPeerCap: 8,
  corsOrigins: ['*'],
  rateLimits: rateLimitsDefaults,
  staticDir: null,
  pathPrefix: '',
  trustedProxies: 0,
  httpRoutes: true,
  maxHttpBufferSize: 100 * 1024,
  shutdownReconnectAfterMs: 1_000,
  shutdownDrainMs: 1_000,
};

export interface IcelaneServer {
  /** The socket.io server, for adapters and extra namespaces. */
  io: IcelaneIo;
  /**
   * Tells every client `server:shutdown`, refuses new joins, disconnects everyone, closes the ICE
   * source and socket.io (which closes the HTTP server too). Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * @example
 * const http = createServer();
 * const { close } = createIcelaneServer(http, { iceSource }, { roomPeerCap: 4 });
 * http.listen(8080);
 */
export function createIcelaneServer(
  httpServer: HttpServer,
  deps: IcelaneServerDeps,
  options: Partial<IcelaneServerOptions> = {},
): IcelaneServer {
  const o = { ...icelaneServerDefaults, ...options };
  checkOptions(o);
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? createMetrics({ processMetrics: false });
  const clock = deps.clock ?? systemClock;
  const authorize = deps.authorize ?? allowAll;
  const limiters = new Limiters({ ...rateLimitsDefaults, ...o.rateLimits }, () => clock.now());
  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;
  const scaleOut = deps.scaleOut ?? null;
  const scaleHealth = (): ScaleHealth => scaleOut?.health() ?? { state: 'none' };

  // Before socket.io attaches: it then hands every request outside its path to this listener.
  if (o.httpRoutes) {
    httpServer.on(
      'request',
      createRoutes({
        iceSource: deps.iceSource,
        logger,
        metrics,
        authorize,
        limiters,
        corsOrigins: o.corsOrigins,
        pathPrefix: o.pathPrefix,
        trustedProxies: o.trustedProxies,
        staticFiles: o.staticDir === null ? null : createStaticHandler(o.staticDir),
        scaleHealth,
        isShuttingDown,
      }),
    );
  }

  const io: IcelaneIo = new Server(httpServer, {
    path: `${o.pathPrefix}/socket.io`,
    maxHttpBufferSize: o.maxHttpBufferSize,
    cors: { origin: o.corsOrigins.includes('*') ? '*' : [...o.corsOrigins] },
    allowRequest: originGate(o.corsOrigins),
    ...(scaleOut && { adapter: scaleOut.adapter }),
  });
  const registry = new RoomRegistry();
  const roster = scaleOut
    ? // Peers of a dead node, cleared by this one: their rooms hear it from here.
      scaleOut.roster(registry, (room, peerId) =>
        io.to(roomKey(room)).emit('peer:left', { peerId }),
      )
    : localRoster(registry);
  const ctx = {
    io,
    roster,
    iceSource: deps.iceSource,
    logger,
    metrics,
    authorize,
    limiters,
    roomPeerCap: o.roomPeerCap,
    trustedProxies: o.trustedProxies,
    isShuttingDown,
  };
  io.on('connection', (socket) => onConnection(ctx, socket));

  let closing: Promise<void> | null = null;
  const close = async () => {
    shuttingDown = true;
    // Local: with several nodes, a plain broadcast would reach (and cut off) every node's clients.
    io.local.emit('server:shutdown', { reconnectAfterMs: o.shutdownReconnectAfterMs });
    io.local.disconnectSockets(true);
    await waitUntil(() => io.engine.clientsCount === 0, o.shutdownDrainMs);
    await deps.iceSource.close();
    await io.close();
    // Last: the peers that just left are cleared from Redis first.
    await roster.close();
    await scaleOut?.close();
  };
  return { io, close: () => (closing ??= close()) };
}

function checkOptions(o: IcelaneServerOptions): void {
  if (!Number.isInteger(o.roomPeerCap) || o.roomPeerCap < 1) {
    throw new TypeError('roomPeerCap must be an integer of at least 1');
  }
  if (!Number.isInteger(o.trustedProxies) || o.trustedProxies < 0) {
    throw new TypeError('trustedProxies must be an integer of at least 0');
  }
  if (o.pathPrefix !== '' && !/^\/[^?#]*[^/?#]$/.test(o.pathPrefix)) {
    throw new TypeError('pathPrefix must be empty or start with "/" and not end with "/"');
  }
}

/** Resolves when `done()` holds (clients received their notice and closed), or after `boundMs`. */
async function waitUntil(done: () => boolean, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!done() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
