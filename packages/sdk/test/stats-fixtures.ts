/**
 * `getStats()` entries in the shapes each browser returns (fields trimmed to those that matter,
 * ids and values as the browsers print them), for the selected-pair extraction tests.
 */
import type { StatsEntry, StatsLike } from '../src/candidate-report.js';

export function statsOf(entries: StatsEntry[]): StatsLike {
  return new Map(entries.map((entry) => [entry.id, entry]));
}

/** Chrome, policy `all`, relayed: the far end shows as prflx with an empty address. */
export const chromePrflxToRelay: StatsEntry[] = [
  {
    id: 'T01',
    type: 'transport',
    dtlsState: 'connected',
    iceState: 'connected',
    selectedCandidatePairId: 'CPa1b2_c3d4',
  },
  // A pair that succeeded earlier but is not the selected one: must not be picked.
  {
    id: 'CPzz_yy',
    type: 'candidate-pair',
    localCandidateId: 'Izz',
    remoteCandidateId: 'Iyy',
    state: 'succeeded',
    nominated: false,
    currentRoundTripTime: 0.2,
  },
  {
    id: 'CPa1b2_c3d4',
    type: 'candidate-pair',
    transportId: 'T01',
    localCandidateId: 'Ia1b2',
    remoteCandidateId: 'Ic3d4',
    state: 'succeeded',
    nominated: true,
    currentRoundTripTime: 0.004,
    responsesReceived: 12,
  },
  {
    id: 'Ia1b2',
    type: 'local-candidate',
    transportId: 'T01',
    address: '203.0.113.10',
    port: 50123,
    protocol: 'udp',
    candidateType: 'relay',
    relayProtocol: 'udp',
    url: 'turn:203.0.113.10:3478?transport=udp',
    priority: 41885439,
  },
  {
    id: 'Ic3d4',
    type: 'remote-candidate',
    transportId: 'T01',
    address: '',
    port: 50124,
    protocol: 'udp',
    candidateType: 'prflx',
    priority: 1853824767,
  },
  {
    id: 'Izz',
    type: 'local-candidate',
    address: '100.64.1.2',
    port: 40000,
    protocol: 'udp',
    candidateType: 'host',
  },
  {
    id: 'Iyy',
    type: 'remote-candidate',
    address: '100.64.2.2',
    port: 40001,
    protocol: 'udp',
    candidateType: 'host',
  },
];

/** Chrome, direct: srflx to srflx behind port-restricted NATs, no relay. */
export const chromeSrflx: StatsEntry[] = [
  { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1' },
  {
    id: 'CP1',
    type: 'candidate-pair',
    localCandidateId: 'L1',
    remoteCandidateId: 'R1',
    state: 'succeeded',
    nominated: true,
    currentRoundTripTime: 0.031,
  },
  {
    id: 'L1',
    type: 'local-candidate',
    protocol: 'udp',
    candidateType: 'srflx',
    url: 'stun:203.0.113.1:3478',
    address: '203.0.113.2',
  },
  {
    id: 'R1',
    type: 'remote-candidate',
    protocol: 'udp',
    candidateType: 'srflx',
    address: '203.0.113.3',
  },
];

/** Chrome, forced relay over TURN/TCP: local relay via tcp, the far end relayed too. */
export const chromeRelayTcp: StatsEntry[] = [
  { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP9' },
  {
    id: 'CP9',
    type: 'candidate-pair',
    localCandidateId: 'L9',
    remoteCandidateId: 'R9',
    state: 'succeeded',
    nominated: true,
  },
  {
    id: 'L9',
    type: 'local-candidate',
    protocol: 'udp',
    candidateType: 'relay',
    relayProtocol: 'tcp',
    url: 'turn:127.0.0.1:3478?transport=tcp',
  },
  { id: 'R9', type: 'remote-candidate', protocol: 'udp', candidateType: 'relay' },
];

/** Firefox: no selectedCandidatePairId; the selected pair carries `selected: true`, no current RTT. */
export const firefoxRelayToPrflx: StatsEntry[] = [
  {
    id: '{8e5b}',
    type: 'candidate-pair',
    localCandidateId: '{l-host}',
    remoteCandidateId: '{r-host}',
    state: 'failed',
    nominated: false,
    selected: false,
  },
  {
    id: '{7a1c}',
    type: 'candidate-pair',
    localCandidateId: '{l-relay}',
    remoteCandidateId: '{r-prflx}',
    state: 'succeeded',
    nominated: true,
    selected: true,
    totalRoundTripTime: 0.09,
    responsesReceived: 3,
  },
  {
    id: '{l-host}',
    type: 'local-candidate',
    candidateType: 'host',
    protocol: 'udp',
    address: '100.64.1.2',
  },
  {
    id: '{l-relay}',
    type: 'local-candidate',
    candidateType: 'relay',
    protocol: 'udp',
    relayProtocol: 'udp',
    address: '203.0.113.10',
  },
  {
    id: '{r-host}',
    type: 'remote-candidate',
    candidateType: 'host',
    protocol: 'udp',
    address: '100.64.2.2',
  },
  {
    id: '{r-prflx}',
    type: 'remote-candidate',
    candidateType: 'prflx',
    protocol: 'udp',
    address: '203.0.113.10',
  },
];

/**
 * Firefox 153, relay-only behind two symmetric NATs (the NAT lab): the other side's check came
 * through its relay before its candidate was signaled, so Firefox paired it as peer-reflexive. The
 * signaled relay candidate arrived later with the same address and port; Firefox lists it beside
 * the prflx one but keeps the prflx one on the selected pair (Chromium swaps it in).
 */
export const firefoxSignaledRelayAfterPrflx: StatsEntry[] = [
  {
    id: '9f5838dc',
    type: 'candidate-pair',
    localCandidateId: '48f90c7c',
    remoteCandidateId: '15b00a52',
    state: 'succeeded',
    nominated: true,
    selected: true,
  },
  {
    id: '5080c189',
    type: 'candidate-pair',
    localCandidateId: '48f90c7c',
    remoteCandidateId: 'a0f8ef55',
    state: 'cancelled',
    nominated: false,
    selected: false,
  },
  { id: '679a975c', type: 'transport', selectedCandidatePairId: '9f5838dc' },
  {
    id: '48f90c7c',
    type: 'local-candidate',
    candidateType: 'relay',
    protocol: 'udp',
    relayProtocol: 'udp',
    address: '203.0.113.1',
    port: 49466,
  },
  {
    id: '6600d487',
    type: 'remote-candidate',
    candidateType: 'relay',
    protocol: 'udp',
    address: '203.0.113.1',
    port: 49685,
  },
  {
    id: '15b00a52',
    type: 'remote-candidate',
    candidateType: 'prflx',
    protocol: 'udp',
    address: '203.0.113.1',
    port: 57018,
  },
  {
    id: 'a0f8ef55',
    type: 'remote-candidate',
    candidateType: 'relay',
    protocol: 'udp',
    address: '203.0.113.1',
    port: 57018,
  },
];

/** Older Firefox spelled the candidate types out. */
export const firefoxLegacyTypes: StatsEntry[] = [
  {
    id: 'p',
    type: 'candidate-pair',
    localCandidateId: 'l',
    remoteCandidateId: 'r',
    state: 'succeeded',
    selected: true,
  },
  { id: 'l', type: 'local-candidate', candidateType: 'serverreflexive', protocol: 'udp' },
  { id: 'r', type: 'remote-candidate', candidateType: 'relayed', protocol: 'udp' },
];

/** Safari (libwebrtc, like Chrome): the transport names the pair; host to host over udp. */
export const safariHost: StatsEntry[] = [
  {
    id: 'RTCTransport_0_1',
    type: 'transport',
    selectedCandidatePairId: 'RTCIceCandidatePair_Ab_Cd',
  },
  {
    id: 'RTCIceCandidatePair_Ab_Cd',
    type: 'candidate-pair',
    localCandidateId: 'RTCIceCandidate_Ab',
    remoteCandidateId: 'RTCIceCandidate_Cd',
    state: 'succeeded',
    nominated: true,
    currentRoundTripTime: 0.001,
  },
  {
    id: 'RTCIceCandidate_Ab',
    type: 'local-candidate',
    candidateType: 'host',
    protocol: 'udp',
    address: '192.0.2.1',
  },
  {
    id: 'RTCIceCandidate_Cd',
    type: 'remote-candidate',
    candidateType: 'host',
    protocol: 'udp',
    address: '192.0.2.2',
  },
];

/** Safari with TURN over TLS: the local relay candidate's relayProtocol is `tls`. */
export const safariRelayTls: StatsEntry[] = [
  { id: 'RTCTransport_0_1', type: 'transport', selectedCandidatePairId: 'RTCIceCandidatePair_X_Y' },
  {
    id: 'RTCIceCandidatePair_X_Y',
    type: 'candidate-pair',
    localCandidateId: 'RTCIceCandidate_X',
    remoteCandidateId: 'RTCIceCandidate_Y',
    state: 'succeeded',
    nominated: true,
    currentRoundTripTime: 0.052,
  },
  {
    id: 'RTCIceCandidate_X',
    type: 'local-candidate',
    candidateType: 'relay',
    protocol: 'udp',
    relayProtocol: 'tls',
    url: 'turns:turn.example.com:443?transport=tcp',
  },
  { id: 'RTCIceCandidate_Y', type: 'remote-candidate', candidateType: 'srflx', protocol: 'udp' },
];

/** Chrome while checking towards a symmetric NAT: pairs in progress, no response received. */
export const chromeChecksSilent: StatsEntry[] = [
  { id: 'T01', type: 'transport', iceState: 'checking' },
  {
    id: 'CP1',
    type: 'candidate-pair',
    localCandidateId: 'L1',
    remoteCandidateId: 'R1',
    state: 'in-progress',
    requestsSent: 9,
    responsesReceived: 0,
  },
  {
    id: 'CP2',
    type: 'candidate-pair',
    localCandidateId: 'L1',
    remoteCandidateId: 'R2',
    state: 'failed',
    requestsSent: 5,
    responsesReceived: 0,
  },
  { id: 'L1', type: 'local-candidate', candidateType: 'srflx', protocol: 'udp' },
  { id: 'R1', type: 'remote-candidate', candidateType: 'srflx', protocol: 'udp' },
  { id: 'R2', type: 'remote-candidate', candidateType: 'host', protocol: 'udp' },
];

/** Chrome's stats of a call relayed through this side's allocation, with its pair's byte counters. */
export function relayedStats(bytesSent: number, bytesReceived: number): StatsEntry[] {
  return [
    { id: 'T01', type: 'transport', selectedCandidatePairId: 'CPr' },
    {
      id: 'CPr',
      type: 'candidate-pair',
      localCandidateId: 'Ir',
      remoteCandidateId: 'Ip',
      state: 'succeeded',
      nominated: true,
      bytesSent,
      bytesReceived,
    },
    {
      id: 'Ir',
      type: 'local-candidate',
      candidateType: 'relay',
      protocol: 'udp',
      relayProtocol: 'udp',
    },
    { id: 'Ip', type: 'remote-candidate', candidateType: 'prflx', protocol: 'udp' },
  ];
}
