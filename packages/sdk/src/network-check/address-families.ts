/**
 * Which address families this side has, from the check's gatherings: an IPv6-only phone (NAT64)
 * shows IPv6 only, and then needs STUN/TURN servers it can reach by host name.
 */
import { addressFamilyOf, type AddressFamily } from '@icelane/protocol';
import type { ProbeCandidate } from './classify.js';

/**
 * The families of this side's own addresses: host and server-reflexive candidates (a relay
 * candidate's address is the TURN server's, whatever family reached it). mDNS host names tell
 * none. Sorted, IPv4 first.
 */
export function localAddressFamilies(candidates: readonly ProbeCandidate[]): AddressFamily[] {
  const families = new Set<AddressFamily>();
  for (const candidate of candidates) {
    const family = candidate.type === 'relay' ? null : addressFamilyOf(candidate.address);
    if (family) families.add(family);
  }
  return [...families].sort();
}
