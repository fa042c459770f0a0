import type { IncomingHttpHeaders } from 'node:http';

/**
 * The client's address for per-IP limits. Behind `trustedProxies` reverse proxies, each proxy
 * appends the address it saw to `X-Forwarded-For`, so the client is that many entries from the
 * right; anything further left was written by the client and proves nothing.
 */
export function clientAddress(
  headers: IncomingHttpHeaders,
  socketAddress: string | undefined,
  trustedProxies: number,
): string {
  const direct = socketAddress ?? 'unknown';
  if (trustedProxies === 0) return direct;
  const header = headers['x-forwarded-for'];
  const text = Array.isArray(header) ? header.join(',') : header;
  const hops = (text ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  if (hops.length === 0) return direct;
  return hops[Math.max(0, hops.length - trustedProxies)]!;
}
