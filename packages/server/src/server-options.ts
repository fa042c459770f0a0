/**
 * The options of `createIcelaneServer`, in one defaults object, and their checks. Every limit
 * here is described in the README's threat model, with what it guards and how to tune it.
 */
import type { CorsOrigins } from './http/cors.js';
import { isAddressOrRange } from './clients/ip-address.js';
import { rateLimitsDefaults, type RateLimits } from './clients/limiters.js';

/** The socket.io transports a server may accept. */
export type TransportName = 'polling' | 'websocket';
export const TRANSPORT_NAMES: readonly TransportName[] = ['polling', 'websocket'];

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
   * The reverse proxies in front of the server: IP addresses or CIDR ranges (`10.0.0.0/8`).
   * `X-Forwarded-For` is believed only on connections from them; per-IP limits then key on the
   * address the outermost trusted proxy saw. Empty: clients connect directly.
   */
  trustedProxies: readonly string[];
  /**
   * Whether to put the HTTP routes on the server's `'request'` event (ahead of the app's
   * listeners, which get every other request). Off when the app mounts `handler` itself.
   */
  httpRoutes: boolean;
  /** socket.io's cap on one inbound message, just above the protocol's largest payload. */
  maxHttpBufferSize: number;
  /**
   * The socket.io transports accepted. The SDK opens on WebSocket and falls back to HTTP
   * long-polling where WebSocket cannot open: polling is what works through proxies that block
   * WebSocket; `['websocket']` suits clients that all connect with WebSocket only.
   */
  transports: readonly TransportName[];
  /**
   * TCP connections one client address may hold at once (an IPv6 /64 counts as one address;
   * trusted proxies are not counted). `Infinity` for no cap.
   */
  maxConnectionsPerAddress: number;
  /**
   * Bytes waiting to go out to one client (engine.io's write buffer and the WebSocket's send
   * buffer) before the client is taken for a slow reader and cut off.
   */
  maxOutgoingBufferBytes: number;
  /** Sent with `server:shutdown`: how long clients should wait before reconnecting. */
  shutdownReconnectAfterMs: number;
  /** How long `close()` waits for clients to receive `server:shutdown` before cutting them off. */
  shutdownDrainMs: number;
  /**
   * How long a peer's resume token stays good after the server saw its connection end (see
   * PROTOCOL.md, _Rejoining after a drop_); 0: only while the server still lists the peer.
   */
  resumeWindowMs: number;
}

export const icelaneServerDefaults: IcelaneServerOptions = {
  roomPeerCap: 8,
  corsOrigins: ['*'],
  rateLimits: rateLimitsDefaults,
  staticDir: null,
  pathPrefix: '',
  trustedProxies: [],
  httpRoutes: true,
  maxHttpBufferSize: 100 * 1024,
  transports: ['polling', 'websocket'],
  // Generous: one carrier-grade NAT address may front many users.
  maxConnectionsPerAddress: 256,
  // Seven peers' offers (64 KiB each at most) several times over.
  maxOutgoingBufferBytes: 1024 * 1024,
  shutdownReconnectAfterMs: 1_000,
  shutdownDrainMs: 1_000,
  // Long enough for a phone to find a network again and rejoin; a call gone longer is over.
  resumeWindowMs: 30_000,
};

/** Throws a `TypeError` naming the first option that cannot work. */
export function checkOptions(o: IcelaneServerOptions): void {
  if (!Number.isInteger(o.roomPeerCap) || o.roomPeerCap < 1) {
    throw new TypeError('roomPeerCap must be an integer of at least 1');
  }
  if (!Array.isArray(o.trustedProxies) || !o.trustedProxies.every(isAddressOrRange)) {
    throw new TypeError(
      'trustedProxies must be a list of IP addresses or CIDR ranges, e.g. ["10.0.0.0/8"]',
    );
  }
  if (o.pathPrefix !== '' && !/^\/[^?#]*[^/?#]$/.test(o.pathPrefix)) {
    throw new TypeError('pathPrefix must be empty or start with "/" and not end with "/"');
  }
  if (o.transports.length === 0 || !o.transports.every((t) => TRANSPORT_NAMES.includes(t))) {
    throw new TypeError('transports must name at least one of "polling" and "websocket"');
  }
  if (!(o.maxConnectionsPerAddress >= 1)) {
    throw new TypeError('maxConnectionsPerAddress must be at least 1 (Infinity for no cap)');
  }
  if (!Number.isInteger(o.maxOutgoingBufferBytes) || o.maxOutgoingBufferBytes < 1024) {
    throw new TypeError('maxOutgoingBufferBytes must be an integer of at least 1024');
  }
  if (!Number.isInteger(o.resumeWindowMs) || o.resumeWindowMs < 0) {
    throw new TypeError('resumeWindowMs must be an integer of at least 0');
  }
  for (const [name, limit] of Object.entries(o.rateLimits)) {
    if (!limit || !(limit.burst >= 1) || !(limit.perSecond >= 0)) {
      throw new TypeError(`rateLimits.${name} must have a burst of at least 1 and perSecond ≥ 0`);
    }
  }
}
