/**
 * The CORS origin allow-list, for HTTP routes and the socket.io handshake alike. WebSocket
 * upgrades are not subject to CORS in browsers, so the handshake checks `Origin` itself.
 */
import type { IncomingMessage } from 'node:http';

/** `['*']` allows any origin. */
export type CorsOrigins = readonly string[];

export function isOriginAllowed(origins: CorsOrigins, origin: string | undefined): boolean {
  // Requests without an Origin header do not come from a web page; CORS has nothing to say.
  if (origin === undefined) return true;
  return origins.includes('*') || origins.includes(origin);
}

/** The CORS response headers for a request from `origin`; none when the origin is not allowed. */
export function corsHeaders(
  origins: CorsOrigins,
  origin: string | undefined,
): Record<string, string> {
  if (origin === undefined || !isOriginAllowed(origins, origin)) return {};
  if (origins.includes('*')) return { 'access-control-allow-origin': '*' };
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

/** The answer to a preflight: `Authorization` must be named, a wildcard does not cover it. */
export function preflightHeaders(
  origins: CorsOrigins,
  origin: string | undefined,
): Record<string, string> {
  const base = corsHeaders(origins, origin);
  if (!('access-control-allow-origin' in base)) return base;
  return {
    ...base,
    'access-control-allow-methods': 'GET, OPTIONS',
    'access-control-allow-headers': 'Authorization, Content-Type',
    'access-control-max-age': '600',
  };
}

/** socket.io's `allowRequest`: refuses handshakes from pages of origins not on the list. */
export function originGate(origins: CorsOrigins) {
  return (req: IncomingMessage, callback: (err: string | null, success: boolean) => void) => {
    const allowed = isOriginAllowed(origins, req.headers.origin);
    callback(allowed ? null : 'origin not allowed', allowed);
  };
}
