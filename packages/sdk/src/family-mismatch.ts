/**
 * The one cause of a failed call the SDK can name from this side alone: an IPv6-only network
 * without a CLAT (iOS behind NAT64/DNS64) while every STUN/TURN server is an IPv4 literal. The
 * browser skips those servers, gathers no relay candidate, and cannot reach IPv4 peers.
 */
import { addressFamilyOf, everyIceUrlIsIpv4Literal } from '@icelane/protocol';
import type { AddressFamily, IceServer } from '@icelane/protocol';

/** What `connect-failed` adds to its message, and `details.cause`, for this cause. */
export const IPV6_ONLY_CAUSE = {
  code: 'ipv6-only-ipv4-servers',
  text: 'this side has IPv6 only and every STUN/TURN server is an IPv4 literal, which IPv6-only networks without a CLAT cannot reach: the servers need a host name',
} as const;

/** The address family of a gathered candidate; `null` for an mDNS name (`….local`). */
export function candidateFamily(candidate: RTCIceCandidate): AddressFamily | null {
  const address = candidate.address ?? candidate.candidate.split(' ')[4] ?? '';
  return addressFamilyOf(address);
}

/** Whether every address this side gathered is IPv6 while every server is an IPv4 literal. */
export function isIpv6OnlyWithIpv4Servers(
  localFamilies: readonly AddressFamily[],
  iceServers: readonly IceServer[],
): boolean {
  return (
    localFamilies.length > 0 &&
    localFamilies.every((family) => family === 'ipv6') &&
    everyIceUrlIsIpv4Literal(iceServers)
  );
}
