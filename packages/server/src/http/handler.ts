/**
 * `createIcelaneHandler`: icelane's HTTP routes alone, without signaling. For an app with
 * signaling of its own (Phoenix channels, its own WebSocket) that wants only icelane's TURN
 * credentials, their cache and `GET /ice`.
 */
import { allowAll, type Authorize } from '../clients/authorize.js';
import { trustedProxyList } from '../clients/ip-address.js';
import { Limiters, rateLimitsDefaults } from '../clients/limiters.js';
import type { IceSource } from '../credentials/ice-source.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import {
  checkOptions,
  icelaneServerDefaults,
  type IcelaneServerOptions,
} from '../server-options.js';
import type { IcelaneHandler } from './own-paths.js';
import { createRoutes } from './routes.js';

/** The parts the routes work with; only `iceSource` has no default. */
export interface IcelaneHandlerDeps {
  /** Where the ICE servers come from (see `createIceSource`). The app closes it. */
  iceSource: IceSource;
  /** @default silentLogger */
  logger?: Logger;
  /** The ICE source's, so `/metrics` shows its mints. @default createMetrics() */
  metrics?: Metrics;
  /** Decides who may `GET /ice`. @default everyone */
  authorize?: Authorize;
}

/** The options that concern the HTTP routes; their defaults are `icelaneServerDefaults`'. */
export type IcelaneHandlerOptions = Pick<
  IcelaneServerOptions,
  'corsOrigins' | 'pathPrefix' | 'trustedProxies' | 'rateLimits'
>;

/**
 * `GET {pathPrefix}/ice`, `/healthz`, `/readyz`, `/metrics` and `/history` as a Node request
 * handler, with no socket.io server. Mount it like `createIcelaneServer`'s `handler`; `/ice` is
 * rate-limited per client address and asks `authorize` with the request's bearer token.
 *
 * @example
 * const metrics = createMetrics();
 * const provider = createCoturnProvider({ secrets, urls });
 * const iceSource = createIceSource({ provider }, { logger: silentLogger, metrics });
 * app.use(createIcelaneHandler({ iceSource, metrics }, { pathPrefix: '/turn' }));
 * // the page: const ice = await (await fetch('/turn/ice')).json();
 * // new RTCPeerConnection({ iceServers: ice.iceServers, iceTransportPolicy: ice.policy })
 */
export function createIcelaneHandler(
  deps: IcelaneHandlerDeps,
  options: Partial<IcelaneHandlerOptions> = {},
): IcelaneHandler {
  const o = { ...icelaneServerDefaults, ...options };
  checkOptions(o);
  return createRoutes({
    iceSource: deps.iceSource,
    logger: deps.logger ?? silentLogger,
    metrics: deps.metrics ?? createMetrics({ processMetrics: false }),
    authorize: deps.authorize ?? allowAll,
    limiters: new Limiters({ ...rateLimitsDefaults, ...o.rateLimits }, () => Date.now()),
    corsOrigins: o.corsOrigins,
    pathPrefix: o.pathPrefix,
    trustedProxies: trustedProxyList(o.trustedProxies),
    staticFiles: null,
    scaleHealth: () => ({ state: 'none' }),
    isShuttingDown: () => false,
  });
}
