/**
 * `getStats()` of a call that opened on a relay while a direct pair was on its way, as recorded
 * in the NAT lab (Chromium 156 offering to Firefox 153; Firefox on an IPv6-only network, its host
 * address behind an mDNS name, so Chromium learns it only from Firefox's check, as prflx): fields
 * trimmed to those that matter, priorities as the browsers print them.
 */
import type { StatsEntry } from '../src/candidate-report.js';

/** Chromium, selected: its IPv4 host to Firefox's relay; Firefox's check came in over IPv6. */
export const chromiumRelayFirst: StatsEntry[] = [
  { id: 'T01', type: 'transport', selectedCandidatePairId: 'CPrelay' },
  {
    id: 'CPrelay',
    type: 'candidate-pair',
    localCandidateId: 'Lhost4',
    remoteCandidateId: 'Rrelay',
    state: 'succeeded',
    nominated: true,
    priority: 396067178018520600,
  },
  {
    id: 'CPdirect',
    type: 'candidate-pair',
    localCandidateId: 'Lhost6',
    remoteCandidateId: 'Rprflx',
    state: 'in-progress',
    nominated: false,
    requestsReceived: 1,
    priority: 7962083765675512000,
  },
  // Checked but never heard: Firefox's srflx is the NAT64's address, which takes nothing in.
  {
    id: 'CPsrflx',
    type: 'candidate-pair',
    localCandidateId: 'Lhost4',
    remoteCandidateId: 'Rsrflx',
    state: 'in-progress',
    nominated: false,
    requestsReceived: 0,
    priority: 7241540810644930000,
  },
  { id: 'Lhost4', type: 'local-candidate', candidateType: 'host', address: '203.0.113.22' },
  { id: 'Lhost6', type: 'local-candidate', candidateType: 'host', address: '2001:db8::22' },
  { id: 'Rrelay', type: 'remote-candidate', candidateType: 'relay', address: '203.0.113.1' },
  { id: 'Rprflx', type: 'remote-candidate', candidateType: 'prflx', address: '' },
  { id: 'Rsrflx', type: 'remote-candidate', candidateType: 'srflx', address: '203.0.113.11' },
];

/** Chromium a moment later: the direct pair's check succeeded and it is selected. */
export const chromiumMovedDirect: StatsEntry[] = chromiumRelayFirst.map((entry) => {
  if (entry.id === 'T01') return { ...entry, selectedCandidatePairId: 'CPdirect' };
  if (entry.id === 'CPdirect') return { ...entry, state: 'succeeded', nominated: true };
  return entry;
});

/** Chromium with the direct pair never heard: nothing better in sight. */
export const chromiumRelayOnly: StatsEntry[] = chromiumRelayFirst.filter(
  (entry) => entry.id !== 'CPdirect',
);

/** Firefox, selected: its relay to Chromium's IPv4 host; its own IPv6 check got its answer. */
export const firefoxRelayFirst: StatsEntry[] = [
  {
    id: 'P1',
    type: 'candidate-pair',
    localCandidateId: 'Lmdns',
    remoteCandidateId: 'Rhost6',
    state: 'succeeded',
    nominated: false,
    priority: 9115005270282359000,
  },
  {
    id: 'P2',
    type: 'candidate-pair',
    localCandidateId: 'Lrelay',
    remoteCandidateId: 'Rhost4',
    state: 'succeeded',
    nominated: true,
    selected: true,
    priority: 396067178018520600,
  },
  // A relayed pair above the selected one: a move there would keep the call relayed.
  {
    id: 'P3',
    type: 'candidate-pair',
    localCandidateId: 'Lrelay',
    remoteCandidateId: 'Rrelay',
    state: 'succeeded',
    nominated: false,
    priority: 9e18,
  },
  {
    id: 'Lmdns',
    type: 'local-candidate',
    candidateType: 'host',
    address: '04ad148a-6966-44aa-87b5-ab63d78aa590.local',
  },
  { id: 'Lrelay', type: 'local-candidate', candidateType: 'relay', address: '203.0.113.1' },
  { id: 'Rhost6', type: 'remote-candidate', candidateType: 'host', address: '2001:db8::22' },
  { id: 'Rhost4', type: 'remote-candidate', candidateType: 'host', address: '203.0.113.22' },
  { id: 'Rrelay', type: 'remote-candidate', candidateType: 'relay', address: '203.0.113.1' },
];

/**
 * Chromium, selected: its IPv4 host to Firefox's relay, learned from Firefox's check before the
 * relay candidate arrived by signaling (prflx, address hidden). The check carried the relay
 * candidate's own priority (8331263: type preference 0); from Firefox's host it carries 1853817087
 * (type preference 110, prflx).
 */
export const chromiumRelayAsPrflx: StatsEntry[] = [
  { id: 'T01', type: 'transport', selectedCandidatePairId: 'CPrelay' },
  {
    id: 'CPrelay',
    type: 'candidate-pair',
    localCandidateId: 'Lhost4',
    remoteCandidateId: 'Rprflx',
    state: 'succeeded',
    nominated: true,
    priority: 35782506363764224,
  },
  { id: 'Lhost4', type: 'local-candidate', candidateType: 'host', address: '203.0.113.22' },
  {
    id: 'Rprflx',
    type: 'remote-candidate',
    candidateType: 'prflx',
    address: '',
    port: 60023,
    priority: 8331263,
  },
];

/** The same pair with the check from Firefox's host: direct. */
export const chromiumHostAsPrflx: StatsEntry[] = chromiumRelayAsPrflx.map((entry) =>
  entry.id === 'Rprflx' ? { ...entry, priority: 1853817087 } : entry,
);
