/**
 * Address families of ICE server URLs. On an IPv6-only network without a CLAT (iOS behind
 * NAT64/DNS64), browsers skip a STUN or TURN server given as an IPv4 literal: only a host name,
 * resolved through DNS64 to a synthesized IPv6 address, reaches it.
 */
import type { IceServer } from './events.js';

export type AddressFamily = 'ipv4' | 'ipv6';

const IPV4_LITERAL = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The family of an IP address literal (IPv6 with or without brackets); `null` for a host name. */
export function addressFamilyOf(host: string): AddressFamily | null {
  const ipv4 = IPV4_LITERAL.exec(host);
  if (ipv4) return ipv4.slice(1).every((part) => Number(part) <= 255) ? 'ipv4' : null;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.includes(':') && /^[0-9A-Fa-f:.]+$/.test(bare) ? 'ipv6' : null;
}

/**
 * Whether every STUN/TURN URL in the list names its server by an IPv4 literal, so that a client
 * with IPv6 only (and no CLAT) can use none of them. `false` for an empty list.
 */
export function everyIceUrlIsIpv4Literal(servers: readonly IceServer[]): boolean {
  const urls = servers.flatMap((server) =>
    Array.isArray(server.urls) ? server.urls : [server.urls],
  );
  return urls.length > 0 && urls.every((url) => addressFamilyOf(iceUrlHost(url)) === 'ipv4');
}

/**
 * The host of `scheme:host[:port][?query]`, an IPv6 literal with its brackets
 * (`turn:[2001:db8::1]:3478` gives `[2001:db8::1]`); `''` when there is none. A light read rather
 * than parseIceUrl, which the SDK's bundle does not otherwise carry.
 */
export function iceUrlHost(url: string): string {
  return /^[a-z]+:(\[[^\]]*\]|[^:?]*)/i.exec(url)?.[1] ?? '';
}
