import type { IncomingHttpHeaders } from 'node:http';
import { normalizeAddress, type TrustedProxies } from './ip-address.js';

/**
 * The client's address for per-IP limits. `X-Forwarded-For` is believed only from a trusted
 * proxy, and only as far back as the chain of trusted proxies goes: walking from the peer that
 * connected, each trusted hop vouches for the entry to its left; the first address that is not a
 * trusted proxy is the client. Anything further left was written by the client and proves
 * nothing, and a header from a peer that is not a proxy is ignored altogether.
 */
export function clientAddress(
  headers: IncomingHttpHeaders,
  socketAddress: string | undefined,
  trusted: TrustedProxies,
): string {
  let address = normalizeAddress(socketAddress ?? 'unknown');
  if (!trusted(address)) return address;
  const header = headers['x-forwarded-for'];
  const text = Array.isArray(header) ? header.join(',') : header;
  const hops = (text ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  while (trusted(address) && hops.length > 0) address = normalizeAddress(hops.pop()!);
  return address;
}
