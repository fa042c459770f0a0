/**
 * What a candidate gathering says about this network, in words. Pure, so the wording is tested
 * against every combination without a browser.
 */
import type { NetworkClass } from '@icelane/sdk';
export type GatheredType = 'host' | 'srflx' | 'prflx' | 'relay';

export interface GatheredCandidate {
  type: GatheredType;
  protocol: string;
  address: string;
  /** For relay candidates: how the browser reaches the TURN server. */
  relayProtocol?: string;
  /** The STUN or TURN URL the candidate came from, when the browser says. */
  url?: string;
}

export interface GatheringError {
  url: string;
  errorCode: number;
  errorText: string;
}

export interface Gathering {
  candidates: GatheredCandidate[];
  errors: GatheringError[];
  /** Whether gathering finished before the deadline. */
  complete: boolean;
  durationMs: number;
  stunConfigured: boolean;
  turnConfigured: boolean;
  /** The STUN server's host when it is on a local network (see {@link localStunHost}). */
  localStun?: string | null;
}

export type TurnStatus = 'ok' | 'rejected' | 'unreachable' | 'not-configured';

export interface NetworkVerdict {
  /** The candidate types found, in a fixed order. */
  types: GatheredType[];
  turn: TurnStatus;
  /** One sentence per finding, then the conclusion. */
  lines: string[];
  /** The conclusion: can this network make calls that connect everywhere? */
  summary: string;
}

const TYPE_ORDER: GatheredType[] = ['host', 'srflx', 'prflx', 'relay'];
const TURN_AUTH_CODES = new Set([401, 403, 437, 441]);

export function judgeNetwork(gathering: Gathering): NetworkVerdict {
  const found = new Set(gathering.candidates.map((c) => c.type));
  const types = TYPE_ORDER.filter((type) => found.has(type));
  const turnErrors = gathering.errors.filter((e) => /^turns?:/i.test(e.url));
  const turn = turnStatus(gathering, found.has('relay'), turnErrors);
  const lines = [
    hostLine(gathering),
    stunLine(gathering, found.has('srflx')),
    turnLine(gathering, turn, turnErrors),
  ];
  if (!gathering.complete) {
    lines.push(
      `Gathering had not finished after ${Math.round(gathering.durationMs)} ms: a server is slow or silent.`,
    );
  }
  return { types, turn, lines, summary: conclusion(turn, found.has('srflx')) };
}

function turnStatus(
  gathering: Gathering,
  relayed: boolean,
  turnErrors: GatheringError[],
): TurnStatus {
  if (!gathering.turnConfigured) return 'not-configured';
  if (relayed) return 'ok';
  return turnErrors.some((e) => TURN_AUTH_CODES.has(e.errorCode)) ? 'rejected' : 'unreachable';
}

function hostLine(gathering: Gathering): string {
  const hosts = gathering.candidates.filter((c) => c.type === 'host');
  if (hosts.length === 0) return 'No local (host) candidate: the browser offered no interface.';
  const hidden = hosts.every((c) => c.address.endsWith('.local'));
  return hidden
    ? `Local (host) candidates: ${hosts.length}, hidden behind .local names until camera access is granted.`
    : `Local (host) candidates: ${hosts.length}.`;
}

function stunLine(gathering: Gathering, reflexive: boolean): string {
  if (reflexive) {
    const addresses = [
      ...new Set(gathering.candidates.filter((c) => c.type === 'srflx').map((c) => c.address)),
    ];
    return `STUN answered: this network's public address is ${addresses.join(', ')} (srflx).`;
  }
  if (!gathering.stunConfigured && !gathering.turnConfigured) {
    return 'No STUN server was configured: no public address could be learned.';
  }
  if (gathering.localStun) {
    // The STUN server sees this machine's own address; the browser does not list it twice.
    return `No public (srflx) candidate, as expected with the STUN server on this local network (${gathering.localStun}): the address it sees is this machine's own. A STUN server on the internet would show the network's public address.`;
  }
  return 'No public (srflx) candidate: STUN did not answer, UDP may be blocked, or this machine is not behind a NAT.';
}

const LOCAL_ADDRESS =
  /^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.|localhost$|\[?(::1|f[cd][0-9a-f]{2}:|fe[89ab][0-9a-f]:))/i;

/**
 * The host of the first STUN URL when it is a loopback, private or link-local address (the LAN
 * demo's coturn): a STUN server there sits on this side of any NAT, so it yields no srflx.
 */
export function localStunHost(urls: readonly string[]): string | null {
  for (const url of urls) {
    const host = /^stuns?:(\[[^\]]+\]|[^:?]+)/i.exec(url)?.[1];
    if (host) return LOCAL_ADDRESS.test(host) ? host : null;
  }
  return null;
}

function turnLine(gathering: Gathering, turn: TurnStatus, turnErrors: GatheringError[]): string {
  const relays = gathering.candidates.filter((c) => c.type === 'relay');
  const over = [...new Set(relays.map((c) => c.relayProtocol ?? c.protocol))].join('/');
  switch (turn) {
    case 'ok':
      return `TURN answered and accepted the credentials: ${relays.length} relay candidate(s) over ${over}.`;
    case 'rejected': {
      const error = turnErrors.find((e) => TURN_AUTH_CODES.has(e.errorCode))!;
      return `TURN answered but rejected the credentials (${error.errorCode} ${error.errorText}).`;
    }
    case 'unreachable':
      return turnErrors.length > 0
        ? `TURN did not answer (${turnErrors.map((e) => `${e.errorCode} at ${e.url}`).join('; ')}).`
        : 'TURN gave no relay candidate: the TURN server is unreachable from this network.';
    case 'not-configured':
      return 'The server handed out no TURN server: there is no relay to fall back on.';
  }
}

/** The SDK's classification in words, and what it predicts for calls from here. */
export function describeMapping(network: NetworkClass): { line: string; prediction: string } {
  const at = network.publicAddress ? ` (public address ${network.publicAddress})` : '';
  switch (network.mapping) {
    case 'endpoint-dependent':
      return {
        line: `This network is behind a symmetric NAT: a new public port per destination${at}.`,
        prediction:
          'Calls from here will need the relay; with TURN on demand, attempt 1 includes TURN.',
      };
    case 'endpoint-independent':
      return {
        line: `This network keeps one public port per socket (no NAT, or a cone NAT)${at}.`,
        prediction:
          'Calls from here will need the relay only when the other side is behind a symmetric NAT.',
      };
    case 'unknown':
      return {
        line:
          network.stunEndpoints.length < 2
            ? 'The NAT type is unknown: the server hands out no second STUN endpoint (ICELANE_STUN_PROBE_URLS).'
            : network.udp === false
              ? 'The NAT type is unknown: STUN over UDP did not answer.'
              : 'The NAT type is unknown: a STUN endpoint did not answer.',
        prediction:
          network.udp === false
            ? 'Calls from here can only go through the relay over TCP or TLS.'
            : 'Whether calls from here need the relay depends on the other side.',
      };
  }
}

function conclusion(turn: TurnStatus, reflexive: boolean): string {
  if (turn === 'ok')
    return 'Calls from this network can connect anywhere, through the relay if needed.';
  if (reflexive) {
    return 'Direct calls can work, but a peer behind a symmetric NAT (a phone on mobile data) cannot be reached without a working TURN server.';
  }
  return 'Only calls on the same local network can connect from here.';
}
