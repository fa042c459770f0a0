/**
 * The lab's IPv6: its addresses and the host names its servers go by. A lab with an IPv6-only
 * side (`'nat64'`) has a dual-stack public segment, and that side is a phone on a mobile network
 * without a CLAT: IPv6 only, IPv4 reached through its router's NAT64, names resolved by its
 * router's DNS64. Only documentation addresses are used (2001:db8::/32 beside 203.0.113.0/24).
 */
import type { NatKind } from '../nat-kinds.js';
import type { SideName } from '../topology.js';

/**
 * How a side reaches the public segment: one of the IPv4 NAT kinds, or `'nat64'`: IPv6 only,
 * behind a router doing NAT64 with a DNS64 resolver (nat64-side.ts).
 */
export type SideNetwork = NatKind | 'nat64';

/** The public segment's IPv6 prefix, and the TURN and signaling servers' IPv6 address on it. */
export const PUBLIC_PREFIX6 = '2001:db8::';
export const PUBLIC_HOST6 = `${PUBLIC_PREFIX6}1`;

/**
 * The NAT64 prefix, as DNS64 synthesizes it and the router translates it: a network-specific
 * prefix (RFC 6052), not the well-known 64:ff9b::/96, because RFC 6052 forbids the well-known
 * prefix with non-global IPv4 addresses and TAYGA enforces it: measured, it answered every packet
 * to 64:ff9b::203.0.113.1 with an ICMPv6 error, and the lab may only use non-global ones
 * (203.0.113.0/24 is TEST-NET-3). A browser cannot tell the two prefixes apart.
 */
export const NAT64_PREFIX = '2001:db8:64::/96';

/** The signaling server's name: the page's URL in a lab with an IPv6-only side. */
export const SIGNAL_NAME = 'signal.icelane.test';
/** The TURN server's name in the URLs the server hands out in such a lab. */
export const TURN_NAME = 'turn.icelane.test';

/** Both names, each to `address` (the servers' IPv4 address: DNS64 makes the IPv6 one). */
export function serverNames(address: string): Record<string, string> {
  return { [SIGNAL_NAME]: address, [TURN_NAME]: address };
}

const sideNumber: Record<SideName, number> = { a: 1, b: 2 };

/**
 * A side's addresses: its router on the public segment (203.0.113.1x and 2001:db8::1x), its
 * phone's IPv6-only subnet (2001:db8:x::/64, the router being ::1 and resolver), and the IPv4
 * pool its NAT64 maps phones to before the router's NAT44 takes them to its public address.
 */
export function nat64Plan(name: SideName) {
  const n = sideNumber[name];
  return {
    publicAddress: `203.0.113.${10 + n}`,
    publicAddress6: `${PUBLIC_PREFIX6}${10 + n}`,
    subnet: `2001:db8:${n}::/64`,
    gateway: `2001:db8:${n}::1`,
    address: `2001:db8:${n}::2`,
    nat64Address: `100.64.${60 + n}.1`,
    nat64Pool: `100.64.${60 + n}.0/24`,
  };
}

/** A client on the public segment in such a lab also has IPv6 (dual-stack): 2001:db8::2x. */
export function dualStackAddress(name: SideName): string {
  return `${PUBLIC_PREFIX6}${20 + sideNumber[name]}`;
}
