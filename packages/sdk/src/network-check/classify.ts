/**
 * What gathered candidates say about this network: how its NAT maps (the same public port
 * towards every destination, or a new one per destination), whether UDP gets out, and which TURN
 * transports answered. Pure, so every case is tested without a browser.
 */
import type { RelayProtocol } from '@icelane/protocol';

/**
 * - `endpoint-independent`: one public address and port per socket, whatever the destination
 *   (no NAT, full-cone, restricted, port-restricted): STUN alone can connect two of them.
 * - `endpoint-dependent`: a new public port per destination (symmetric NAT, most carrier-grade
 *   NATs): the far side's checks go to a mapping made for the STUN server and are dropped.
 * - `unknown`: the check could not tell (one STUN endpoint, no answer, UDP blocked).
 */
export type MappingBehaviour = 'endpoint-independent' | 'endpoint-dependent' | 'unknown';

/** The fields of a gathered candidate the check reads (an `RTCIceCandidate` has them all). */
export interface ProbeCandidate {
  type: string;
  protocol: string;
  address: string;
  port: number;
  /** The socket the candidate came from; Chrome hides it (`0.0.0.0`, 0) with mDNS host names. */
  relatedAddress?: string | null;
  relatedPort?: number | null;
  relayProtocol?: string | null;
  /** The STUN or TURN URL it came from, when the browser says. */
  url?: string | null;
  /** When it came, in ms from the gathering's start. */
  atMs?: number;
}

export interface ProbeError {
  url: string;
  errorCode: number;
}

/** One gathering: what came, what failed, and whether it finished before the deadline. */
export interface ProbeGathering {
  candidates: ProbeCandidate[];
  errors: ProbeError[];
  complete: boolean;
  /**
   * Ended early because what came already told enough (see mapping-ending.ts): read as every
   * server having answered, as `complete` is.
   */
  settled?: boolean;
}

export interface MappingVerdict {
  mapping: MappingBehaviour;
  /** Whether UDP reaches out: `null` when nothing said either way. */
  udp: boolean | null;
  /** The public IP address the STUN servers saw, when one did. */
  publicAddress: string | null;
}

/**
 * Reads a gathering with two STUN endpoints on one socket (both URLs in one
 * `RTCPeerConnection`). The browser drops a server-reflexive candidate equal to one it already
 * has, so an endpoint-independent NAT yields one per socket and a symmetric one yields two.
 * `endpoints` is how many distinct STUN endpoints were asked.
 */
export function classifyMapping(gathering: ProbeGathering, endpoints: number): MappingVerdict {
  const { candidates, errors, complete, settled } = gathering;
  const reflexive = candidates.filter((c) => c.type === 'srflx' && c.protocol === 'udp');
  const publicAddress = reflexive[0]?.address ?? null;
  // Every STUN server answered: gathering finished (or settled) and none reported an error.
  const allAnswered =
    (complete || settled === true) && !errors.some((e) => /^stuns?:/i.test(e.url));
  const verdict = (mapping: MappingBehaviour, udp: boolean | null): MappingVerdict => ({
    mapping,
    udp,
    publicAddress,
  });

  if (mappingsPerSocket(candidates, reflexive) > 1) return verdict('endpoint-dependent', true);
  if (reflexive.length > 0) {
    return verdict(allAnswered && endpoints >= 2 ? 'endpoint-independent' : 'unknown', true);
  }
  // No reflexive candidate. The browser drops one equal to its own socket's address: on a host
  // with a public address (no NAT) the servers answer and nothing new comes.
  const visibleHosts = candidates.filter(
    (c) => c.type === 'host' && c.protocol === 'udp' && !c.address.endsWith('.local'),
  );
  if (allAnswered && endpoints >= 1 && visibleHosts.some((c) => isPublicIpv4(c.address))) {
    return {
      mapping: endpoints >= 2 ? 'endpoint-independent' : 'unknown',
      udp: true,
      publicAddress: visibleHosts.find((c) => isPublicIpv4(c.address))!.address,
    };
  }
  // STUN asked and silent: UDP does not get out (or every server is down).
  return verdict('unknown', endpoints > 0 && !allAnswered ? false : null);
}

/** The most distinct public mappings seen for one socket. */
function mappingsPerSocket(all: ProbeCandidate[], reflexive: ProbeCandidate[]): number {
  const bySocket = new Map<string, Set<string>>();
  for (const c of reflexive) {
    const known = c.relatedPort ? `${c.relatedAddress}:${c.relatedPort}` : 'hidden';
    const mappings = bySocket.get(known) ?? new Set<string>();
    mappings.add(`${c.address}:${c.port}`);
    bySocket.set(known, mappings);
  }
  let most = 0;
  for (const [socket, mappings] of bySocket) {
    // Sockets hidden behind mDNS names: as many mappings as UDP host candidates is one each.
    const sockets =
      socket === 'hidden'
        ? Math.max(1, all.filter((c) => c.type === 'host' && c.protocol === 'udp').length)
        : 1;
    most = Math.max(most, Math.ceil(mappings.size / sockets));
  }
  return most;
}

/** Not private, loopback, link-local or carrier-grade NAT space: an address the internet sees. */
function isPublicIpv4(address: string): boolean {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    return false;
  }
  const [a, b] = parts as [number, number, number, number];
  return !(
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/** Per TURN transport: answered (a relay candidate), silent or refused, or not configured. */
export type TurnTransports = Record<RelayProtocol, boolean | null>;

/**
 * Which TURN transports gave a relay candidate, from a relay-only gathering with the TURN URLs
 * the server handed out (`configured`).
 */
export function classifyTurn(gathering: ProbeGathering, configured: string[]): TurnTransports {
  const result: TurnTransports = { udp: null, tcp: null, tls: null };
  for (const url of configured) {
    const transport = turnTransport(url);
    if (transport) result[transport] = false;
  }
  for (const c of gathering.candidates) {
    if (c.type !== 'relay') continue;
    const transport = (c.relayProtocol as RelayProtocol | null) ?? (c.url && turnTransport(c.url));
    if (transport) result[transport] = true;
  }
  return result;
}

function turnTransport(url: string): RelayProtocol | null {
  if (/^turns:/i.test(url)) return 'tls';
  if (!/^turn:/i.test(url)) return null;
  return /[?&]transport=tcp/i.test(url) ? 'tcp' : 'udp';
}
