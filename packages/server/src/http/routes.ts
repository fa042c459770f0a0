/**
 * The HTTP side: `GET /ice` (the join's ICE servers without a socket), `/healthz`, `/readyz`,
 * `/metrics`, `/history` (the recent connections and relay usage, JSON), and a built page from a
 * static directory. Everything else goes to `next` (the app icelane is mounted in), or is a 404
 * when there is none.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IceSource } from '../credentials/ice-source.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ScaleHealth } from '../scale/scale-out.js';
import { bearerToken, decide, refusalMessage, type Authorize } from '../clients/authorize.js';
import { randomId } from '../clients/ids.js';
import type { Limiters } from '../clients/limiters.js';
import { clientAddress } from '../clients/client-address.js';
import { subnetKey, type TrustedProxies } from '../clients/ip-address.js';
import { corsHeaders, preflightHeaders, type CorsOrigins } from './cors.js';
import { sendError, sendJson, sendText } from './respond.js';
import type { StaticHandler } from './static-files.js';
import { icelanePath, requestPathname, type IcelaneHandler } from './own-paths.js';

export interface RoutesDeps {
  iceSource: IceSource;
  logger: Logger;
  metrics: Metrics;
  authorize: Authorize;
  limiters: Limiters;
  corsOrigins: CorsOrigins;
  /** Prepended to every route, e.g. `/rtc`; empty for none. */
  pathPrefix: string;
  /** The reverse proxies whose `X-Forwarded-For` entries are believed. */
  trustedProxies: TrustedProxies;
  staticFiles: StaticHandler | null;
  /** Redis, when several nodes share it. */
  scaleHealth(): ScaleHealth;
  isShuttingDown(): boolean;
}

export function createRoutes(deps: RoutesDeps): IcelaneHandler {
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
    '/ice': (req, res) => serveIce(deps, req, res),
    '/healthz': async (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/readyz': async (_req, res) => serveReady(deps, res),
    '/metrics': async (_req, res) => {
      const text = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
      res.end(text);
    },
    '/history': async (_req, res) => sendJson(res, 200, deps.metrics.history.read()),
  };

  const route = async (
    req: IncomingMessage,
    res: ServerResponse,
    next: (() => void) | undefined,
  ): Promise<void> => {
    const path = icelanePath(deps.pathPrefix, requestPathname(req));
    const handler = path === null ? undefined : routes[path];
    if (handler) {
      if (req.method === 'OPTIONS' && path === '/ice') {
        res.writeHead(204, preflightHeaders(deps.corsOrigins, req.headers.origin));
        return void res.end();
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return sendText(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
      }
      return handler(req, res);
    }
    if (path !== null && deps.staticFiles && (await deps.staticFiles(req, res, path))) return;
    if (next) return next();
    sendText(res, 404, 'not found\n');
  };

  return (req, res, next) => {
    route(req, res, next).catch((error: unknown) => {
      deps.logger.error('http request failed', { path: req.url?.split('?')[0], error });
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal server error');
      else res.destroy();
    });
  };
}

async function serveIce(deps: RoutesDeps, req: IncomingMessage, res: ServerResponse) {
  const cors = corsHeaders(deps.corsOrigins, req.headers.origin);
  const address = clientAddress(req.headers, req.socket.remoteAddress, deps.trustedProxies);
  const outcome = await decide(
    deps.authorize,
    {
      token: bearerToken(req.headers.authorization),
      headers: req.headers,
      address,
      room: undefined,
    },
    (error) => deps.logger.error('authorize hook failed', { error }),
  );
  // Refused requests spend a budget of their own, never the one valid users of this address
  // share: a hostile page can make its visitors' browsers send them.
  const subnet = subnetKey(address);
  const limit = outcome.allowed
    ? deps.limiters.takeAuthorized(subnet)
    : deps.limiters.takeRefused(subnet);
  if (!limit.ok) return sendRateLimited(deps, res, limit.retryAfterMs, cors);
  if (!outcome.allowed) {
    return sendError(res, 401, 'unauthorized', refusalMessage('not allowed', outcome), cors);
  }
  if (deps.isShuttingDown()) {
    return sendError(res, 503, 'shutting-down', 'the server is shutting down', cors);
  }
  // No socket outlives this request, so its session is never released: the credential expires.
  const ice = await deps.iceSource.iceFor({ sessionId: randomId() });
  sendJson(res, 200, ice, cors);
}

function sendRateLimited(
  deps: RoutesDeps,
  res: ServerResponse,
  retryAfterMs: number,
  cors: Record<string, string>,
): void {
  deps.metrics.rateLimited.inc({ event: 'GET /ice' });
  sendJson(
    res,
    429,
    { error: { code: 'rate-limited', message: 'too many requests', retryAfterMs } },
    { ...cors, 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
  );
}

function serveReady(deps: RoutesDeps, res: ServerResponse): void {
  const provider = deps.iceSource.health();
  const shuttingDown = deps.isShuttingDown();
  // A failing provider still lets calls connect STUN-only; refused credentials never will.
  // Without Redis a node still serves its own clients: taking every node out of the balancer
  // because their shared Redis is away would turn a degraded service into none.
  const ready = !shuttingDown && provider.state !== 'misconfigured';
  const warnings = deps.iceSource.warnings?.() ?? [];
  sendJson(res, ready ? 200 : 503, {
    ready,
    shuttingDown,
    provider,
    redis: deps.scaleHealth(),
    warnings,
  });
}
