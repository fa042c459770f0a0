/**
 * A cap on the TCP connections one client address holds at once (an IPv6 /64 counts as one
 * address). Without it, one address holding idle connections could use up the process's file
 * descriptors, and then nobody's join or `/healthz` gets through. Connections from a trusted
 * proxy are not counted: they carry many clients (cap those at the proxy).
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Metrics } from '../observability/metrics.js';
import { subnetKey, type TrustedProxies } from '../clients/ip-address.js';

export function capConnectionsPerAddress(
  httpServer: HttpServer,
  maxPerAddress: number,
  trustedProxies: TrustedProxies,
  metrics: Metrics,
): void {
  if (maxPerAddress === Infinity) return;
  const open = new Map<string, number>();
  httpServer.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || trustedProxies(address)) return;
    const key = subnetKey(address);
    const count = open.get(key) ?? 0;
    if (count >= maxPerAddress) {
      metrics.connectionsCut.inc({ reason: 'address-cap' });
      // Refused before a byte is read: an answer would cost what the cap is there to save.
      socket.destroy();
      return;
    }
    open.set(key, count + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
}
