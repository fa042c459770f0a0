/**
 * A cap on the TCP connections one client address holds at once (an IPv6 /64 counts as one
 * address). Without it, one address holding idle connections could use up the process's file
 * descriptors, and then nobody's join or `/healthz` gets through. Connections from a trusted
 * proxy are not counted: they carry many clients (cap those at the proxy).
 *
 * On a server of its own, icelane counts every connection as it opens. On a server it shares
 * with an app, only connections that carry an icelane request (its routes, its socket.io path)
 * count, from their first such request: the app's own traffic is the app's to limit.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Metrics } from '../observability/metrics.js';
import { subnetKey, type TrustedProxies } from '../clients/ip-address.js';
import { isIcelaneRequest, requestPathname } from './own-paths.js';

export interface ConnectionCapSetup {
  maxPerAddress: number;
  trustedProxies: TrustedProxies;
  metrics: Metrics;
  pathPrefix: string;
  /** Whether an app's requests share the server (see `ServerMount`). */
  shared(): boolean;
}

type Listener = (req: IncomingMessage, ...rest: unknown[]) => void;

/**
 * Call once socket.io is attached: the shared-server check wraps the `'request'` and
 * `'upgrade'` listeners then on the server (socket.io's among them).
 */
export function capConnectionsPerAddress(httpServer: HttpServer, setup: ConnectionCapSetup): void {
  if (setup.maxPerAddress === Infinity) return;
  const open = new Map<string, number>();
  const counted = new WeakSet<Socket>();

  /** Counts `socket` against its address; `false` (and the socket destroyed) past the cap. */
  const admit = (socket: Socket): boolean => {
    if (counted.has(socket)) return true;
    const address = socket.remoteAddress;
    if (address === undefined || setup.trustedProxies(address)) return true;
    const key = subnetKey(address);
    const count = open.get(key) ?? 0;
    if (count >= setup.maxPerAddress) {
      setup.metrics.connectionsCut.inc({ reason: 'address-cap' });
      // Refused without an answer: an answer would cost what the cap is there to save.
      socket.destroy();
      return false;
    }
    open.set(key, count + 1);
    counted.add(socket);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
    return true;
  };

  // Before a byte is read, on a server of icelane's own.
  httpServer.on('connection', (socket: Socket) => {
    if (!setup.shared()) admit(socket);
  });
  for (const event of ['request', 'upgrade'] as const) {
    const inner = httpServer.listeners(event) as Listener[];
    // With no listener at all, Node closes an upgrade itself; a wrapper would leave it hanging.
    if (inner.length === 0) continue;
    httpServer.removeAllListeners(event);
    httpServer.on(event, (req: IncomingMessage, ...rest: unknown[]) => {
      const own = setup.shared() && isIcelaneRequest(setup.pathPrefix, requestPathname(req));
      if (own && !admit(req.socket)) return;
      for (const listener of inner) listener.call(httpServer, req, ...rest);
    });
  }
}
