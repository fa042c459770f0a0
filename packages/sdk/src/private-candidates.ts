/**
 * Keeps the far side's private host candidates away from this side's relay when they cannot help.
 *
 * A private address (10/8, 172.16/12, 192.168/16, 100.64/10, link-local, IPv6 ULA, an mDNS
 * `.local` name) is reachable only from the same network. The browser pairs it with every local
 * candidate all the same, this side's relay included: the relay is asked for a permission to that
 * address and sends checks there. A TURN server that refuses private peers answers 403 and the
 * pair is pruned; one that does not (coturn's default) sends into a network it has no route to,
 * and coturn closes the allocation's socket on the send error — with the call's selected pair on
 * it (see docs/turn-server.md).
 *
 * So, while this side has a relay, a remote private host candidate goes to the browser only when
 * it can help: both sides show the same public address (one network, or two tabs on one machine),
 * or either side shows none (no STUN answer: nothing says they are apart). Candidates wait until
 * that is known; under policy `relay` (no local host candidate to pair them with) they are dropped.
 */
import { hasTurn } from '@icelane/protocol';
import type { IcePolicy, IceServer, SignalData } from '@icelane/protocol';

/**
 * How long the far side's private host candidates wait for its public address. The far side sends
 * it (a srflx candidate, a relay candidate's related address) one STUN round trip after its host
 * candidates; none after this long means its STUN requests went unanswered (libwebrtc retransmits
 * from 250 ms, doubling), so nothing will say the two sides are apart.
 */
export const FAR_ADDRESS_WAIT_MS = 2_000;

/** What the gate does with the far side's candidates in one ICE generation. */
export type RelayPairing =
  /** No local relay: every candidate goes to the browser. */
  | 'no-relay'
  /** Policy `all` with TURN: private host candidates wait until both public addresses are known. */
  | 'with-relay'
  /** Policy `relay`: only relay candidates are local, and no relay reaches a private address. */
  | 'relay-only';

/** How a gathering with these servers and policy pairs the far side's candidates. */
export function relayPairing(iceServers: IceServer[], policy: IcePolicy): RelayPairing {
  if (policy === 'relay') return 'relay-only';
  return hasTurn(iceServers) ? 'with-relay' : 'no-relay';
}

/** The fields of an ICE candidate line this module reads. */
export interface ParsedCandidate {
  address: string;
  type: string;
  /** The related address (`raddr`): a relay candidate's is its public, mapped address. */
  relatedAddress: string | undefined;
}

/** Parses `candidate:<foundation> <component> <protocol> <priority> <address> <port> typ <type> …`. */
export function parseCandidate(line: string): ParsedCandidate | undefined {
  const fields = line.replace(/^a=/, '').split(/\s+/);
  if (!fields[0]?.startsWith('candidate:') || fields[6] !== 'typ' || !fields[4] || !fields[7]) {
    return undefined;
  }
  const raddr = fields.indexOf('raddr', 8);
  return {
    address: fields[4].toLowerCase(),
    type: fields[7],
    relatedAddress: raddr > 0 ? fields[raddr + 1]?.toLowerCase() : undefined,
  };
}

/**
 * Private, loopback and link-local IPv4 (10/8, 127/8, 0/8, 172.16/12, 192.168/16, 100.64/10,
 * 169.254/16), IPv6 ULA, link-local and loopback, and mDNS names.
 */
const PRIVATE =
  /^(10|127|0)\.|^172\.(1[6-9]|2\d|3[01])\.|^192\.168\.|^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.|^169\.254\.|^\[?(f[cd]|fe[89ab])|^\[?::1\]?$|\.local$/;

/** Whether an address is reachable only from its own network (or names a host on it: mDNS). */
export function isPrivateAddress(address: string): boolean {
  return PRIVATE.test(address);
}

/** The public address a candidate shows, if any. */
export function publicAddressOf(candidate: ParsedCandidate): string | undefined {
  const { type, address, relatedAddress } = candidate;
  // A relay candidate's own address is the TURN server's; its related address is the mapping.
  const shown = type === 'relay' ? relatedAddress : address;
  return shown && !isPrivateAddress(shown) && shown !== '::' ? shown : undefined;
}

/** The candidate line of a trickled candidate signal, if it is one. */
function candidateLine(data: SignalData): string | undefined {
  const candidate = (data as { candidate?: { candidate?: unknown } }).candidate;
  return data.type === 'candidate' && typeof candidate?.candidate === 'string'
    ? candidate.candidate
    : undefined;
}

export interface PrivateCandidateGate {
  /** A candidate this side signals: its public address is learnt. */
  local(data: SignalData): void;
  /** This side's gathering is over: if it showed no public address, none will come. */
  localGatheringDone(): void;
  /** A signal from the far side, delivered now, later or never. */
  remote(data: SignalData): void;
  /** A new ICE generation: what was learnt and held belongs to the old one. */
  restart(pairing: RelayPairing): void;
  stop(): void;
}

/** A gate that hands the far side's signals to `deliver` (see the module's comment). */
export function privateCandidateGate(
  pairing: RelayPairing,
  deliver: (data: SignalData) => void,
): PrivateCandidateGate {
  let mode = pairing;
  let own = new Set<string>();
  let far = new Set<string>();
  /** This side's gathering ended without a public address. */
  let ownNone = false;
  /** The far side showed none in time. */
  let farNone = false;
  let held: SignalData[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** `true`: deliver; `false`: drop; `undefined`: not known yet. */
  const verdict = (): boolean | undefined => {
    if (mode === 'no-relay' || ownNone || farNone) return true;
    if (mode === 'relay-only') return false;
    if (own.size === 0 || far.size === 0) return undefined;
    return [...far].some((address) => own.has(address));
  };
  const settle = () => {
    const decided = verdict();
    if (decided === undefined || held.length === 0) return;
    clearTimeout(timer);
    timer = undefined;
    const waiting = held;
    held = [];
    if (decided) waiting.forEach(deliver);
  };

  return {
    local(data) {
      const line = candidateLine(data);
      const parsed = line ? parseCandidate(line) : undefined;
      const address = parsed && publicAddressOf(parsed);
      if (!address) return;
      own.add(address);
      settle();
    },
    localGatheringDone() {
      if (own.size > 0) return;
      ownNone = true;
      settle();
    },
    remote(data) {
      const line = candidateLine(data);
      const parsed = line ? parseCandidate(line) : undefined;
      if (!parsed) return deliver(data);
      const address = publicAddressOf(parsed);
      if (address) far.add(address);
      if (parsed.type !== 'host' || !isPrivateAddress(parsed.address)) {
        deliver(data);
        return settle();
      }
      const decided = verdict();
      if (decided === true) return deliver(data);
      if (decided === false) return;
      held.push(data);
      // A far side that showed an address waits for this side's, until its gathering is over.
      timer ??= setTimeout(() => {
        timer = undefined;
        farNone = far.size === 0;
        settle();
      }, FAR_ADDRESS_WAIT_MS);
    },
    restart(next) {
      clearTimeout(timer);
      timer = undefined;
      mode = next;
      own = new Set();
      far = new Set();
      ownNone = farNone = false;
      held = [];
    },
    stop() {
      clearTimeout(timer);
      held = [];
    },
  };
}
