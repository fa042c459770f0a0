/**
 * `createIcelaneServer`: signaling over socket.io and the HTTP routes, on an HTTP server the
 * caller owns, alone or beside an app's own routes. It never listens; `main.ts` (or the
 * embedding app) does.
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { IceSource } from './credentials/ice-source.js';
import { errorAnswer } from '@icelane/protocol';
import { capConnectionsPerAddress } from './http/connection-cap.js';
import { originGate } from './http/cors.js';
import { trustedProxyList } from './clients/ip-address.js';
import { mountRoutes } from './http/mount.js';
import type { IcelaneHandler } from './http/own-paths.js';
import { createRoutes } from './http/routes.js';
import { createStaticHandler } from './http/static-files.js';
import { silentLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { localRoster } from './signaling/roster.js';
import type { ScaleHealth, ScaleOut } from './scale/scale-out.js';
import { allowAll, type Authorize } from './clients/authorize.js';
import { onConnection } from './signaling/connection.js';
import { systemClock, type Clock, type IcelaneIo } from './signaling/context.js';
import { registryChannel, socketIoRoomChannel } from './signaling/room-channel.js';
import { icelaneParser } from './signaling/encoded-ack.js';
import { joinAnswerEncoder } from './signaling/join-answer.js';
import type { InboundCall } from './signaling/ack.js';
import { Limiters, rateLimitsDefaults } from './clients/limiters.js';
import { peerInfo, RoomRegistry } from './signaling/rooms.js';
import { departedPeers } from './signaling/departed.js';
import { guardTransports } from './signaling/transport-guard.js';
import {
  checkOptions,
  icelaneServerDefaults,
  type IcelaneServerOptions,
} from './server-options.js';

export {
  icelaneServerDefaults,
  TRANSPORT_NAMES,
  type IcelaneServerOptions,
  type TransportName,
} from './server-options.js';

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

export interface IcelaneServer {
  /** The socket.io server, for adapters and extra namespaces. */
  io: IcelaneIo;
  /**
   * The HTTP routes (`/ice`, `/healthz`, `/readyz`, `/metrics`, `/history` under `pathPrefix`) as
   * a handler, for an app that mounts them itself in its middleware chain (with `httpRoutes:
   * false`).
   */
  handler: IcelaneHandler;
  /**
   * Tells every client `server:shutdown`, refuses new joins, disconnects everyone, closes the ICE
   * source and socket.io (which closes the HTTP server too). Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Puts icelane on `httpServer`. With the default `httpRoutes: true` its routes go in front of
 * the request listeners already on the server (an express app, fastify's `app.server`) and hand
 * every other request on to them; on a server with no listener, other requests get a 404.
 *
 * @example
 * const http = createServer();
 * const { close } = createIcelaneServer(http, { iceSource }, { roomPeerCap: 4 });
 * http.listen(8080);
 * @example
 * // beside an express app, under /rtc (the SDK joins 'https://host/rtc')
 * const http = createServer(app);
 * createIcelaneServer(http, { iceSource }, { pathPrefix: '/rtc' });
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
  const trustedProxies = trustedProxyList(o.trustedProxies);
  const joinsInFlight = new Set<InboundCall>();
  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;
  const scaleOut = deps.scaleOut ?? null;
  const scaleHealth = (): ScaleHealth => scaleOut?.health() ?? { state: 'none' };

  const handler = createRoutes({
    iceSource: deps.iceSource,
    logger,
    metrics,
    authorize,
    limiters,
    corsOrigins: o.corsOrigins,
    pathPrefix: o.pathPrefix,
    trustedProxies,
    staticFiles: o.staticDir === null ? null : createStaticHandler(o.staticDir),
    scaleHealth,
    isShuttingDown,
  });
  // Before socket.io attaches: it then hands every request outside its path to this listener.
  const mount = mountRoutes(httpServer, handler, o.httpRoutes);

  const io: IcelaneIo = new Server(httpServer, {
    path: `${o.pathPrefix}/socket.io`,
    maxHttpBufferSize: o.maxHttpBufferSize,
    transports: [...o.transports],
    cors: { origin: o.corsOrigins.includes('*') ? '*' : [...o.corsOrigins] },
    allowRequest: originGate(o.corsOrigins),
    // Writes a join's answer with its ICE part encoded once per credential (encoded-ack.ts).
    parser: icelaneParser,
    ...(scaleOut && { adapter: scaleOut.adapter }),
  });
  capConnectionsPerAddress(httpServer, {
    maxPerAddress: o.maxConnectionsPerAddress,
    trustedProxies,
    metrics,
    pathPrefix: o.pathPrefix,
    shared: mount.shared,
  });
  mount.adoptLaterListeners();
  guardTransports(io, limiters, metrics, { maxOutgoingBufferBytes: o.maxOutgoingBufferBytes });
  const registry = new RoomRegistry();
  metrics.countRoomsFrom(() => registry.roomCount);
  const socketIoRooms = socketIoRoomChannel(io);
  const roster = scaleOut
    ? // Peers of a dead node, cleared by this one: their rooms hear it from here.
      scaleOut.roster(
        registry,
        (room, peerId) => socketIoRooms.peerLeft(room, null, { peerId }),
        (socketId, message) => io.local.to(socketId).emit('signal', message),
        // Joiners since its entry was lost were not told of it: they offer to it (`earlier`).
        (peer) =>
          socketIoRooms.peerJoined(peer.room, peer.socketId, { ...peerInfo(peer), earlier: true }),
      )
    : localRoster(registry);
  const ctx = {
    io,
    roster,
    roomChannel: roster.singleNode ? registryChannel(io, registry) : socketIoRooms,
    encodeJoinAnswer: joinAnswerEncoder(),
    iceSource: deps.iceSource,
    logger,
    metrics,
    authorize,
    limiters,
    roomPeerCap: o.roomPeerCap,
    trustedProxies,
    departed: (scaleOut?.departed ?? departedPeers)(o.resumeWindowMs, () => clock.now()),
    joinsInFlight,
    isShuttingDown,
    clock,
  };
  io.on('connection', (socket) => onConnection(ctx, socket));

  let closing: Promise<void> | null = null;
  const close = async () => {
    shuttingDown = true;
    // Before the notice and the disconnect, so each such client learns why its join failed.
    for (const call of joinsInFlight) {
      call.reply(errorAnswer('shutting-down', 'the server is shutting down'));
    }
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
  return { io, handler, close: () => (closing ??= close()) };
}

/** Resolves when `done()` holds (clients received their notice and closed), or after `boundMs`. */
async function waitUntil(done: () => boolean, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!done() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
