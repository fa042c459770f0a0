/**
 * Which requests are icelane's when it shares an HTTP server with an app: its routes and the
 * socket.io path, under the `pathPrefix` the app chose. Everything else is the app's, and
 * icelane neither answers, counts nor throttles it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * icelane's HTTP routes as a Node request handler. It answers `GET {pathPrefix}/ice`,
 * `/healthz`, `/readyz`, `/metrics` and `/history`; any other request goes to `next` (so it
 * works as express or connect middleware), or gets a 404 when there is no `next`.
 *
 * @example
 * // express, the routes placed in the app's own middleware chain
 * app.use(icelane.handler);
 * // any framework on node:http: icelane first, then the app
 * createServer((req, res) => icelane.handler(req, res, () => appListener(req, res)));
 */
export type IcelaneHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

/** The routes' paths, below the prefix. */
export const ROUTE_PATHS: readonly string[] = [
  '/ice',
  '/healthz',
  '/readyz',
  '/metrics',
  '/history',
];

/**
 * The request's path. Express's `app.use('/rtc', handler)` strips its mount path from `req.url`
 * and keeps the whole one in `originalUrl`: the prefix is matched against the whole path.
 */
export function requestPathname(req: IncomingMessage): string {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return '/';
  }
}

/** `pathname` below `prefix` (`/rtc/ice` → `/ice`), or `null` when it is outside it. */
export function icelanePath(prefix: string, pathname: string): string | null {
  if (prefix === '') return pathname;
  if (pathname === prefix) return '/';
  return pathname.startsWith(prefix + '/') ? pathname.slice(prefix.length) : null;
}

/** Whether a request to `pathname` is icelane's: one of its routes or its socket.io path. */
export function isIcelaneRequest(prefix: string, pathname: string): boolean {
  const path = icelanePath(prefix, pathname);
  if (path === null) return false;
  return ROUTE_PATHS.includes(path) || path === '/socket.io' || path.startsWith('/socket.io/');
}
