/**
 * Finds the selected candidate pair in a `getStats()` report and summarizes both ends. Pure, and
 * written against the shapes Chrome, Safari and Firefox return.
 */
import { addressFamilyOf } from '@icelane/protocol';
import type {
  CandidateSummary,
  CandidateType,
  RelayProtocol,
  TransportProtocol,
} from '@icelane/protocol';

/** One entry of an `RTCStatsReport`, loosely typed: browsers differ in the fields they fill. */
export type StatsEntry = { id: string; type: string } & Record<string, unknown>;

/** What `RTCPeerConnection.getStats()` resolves to, or a plain map of recorded entries. */
export interface StatsLike {
  forEach(callback: (value: StatsEntry, key: string) => void): void;
  get(id: string): StatsEntry | undefined;
}

export interface SelectedPair {
  pairId: string;
  local: CandidateSummary;
  remote: CandidateSummary;
  /** True when either end is a relay candidate. */
  relayed: boolean;
  rttMs?: number;
  /**
   * The remote end is known only from its checks (prflx, address shown, as Firefox shows it) and
   * no signaled candidate matches it yet: its real type may still arrive by signaling.
   */
  remoteUnsignaled?: true;
  /**
   * This pair is relayed, and a direct pair the browser ranks above it has reached the far side
   * (its check succeeded, or the far side's check came in on it): the browser in control moves
   * the call there once its own check on that pair succeeds.
   */
  directInSight?: true;
}

const LEGACY_TYPES: Record<string, CandidateType> = {
  serverreflexive: 'srflx',
  peerreflexive: 'prflx',
  relayed: 'relay',
};
const CANDIDATE_TYPES: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];

/** A candidate type as the SDK reports it; older Firefox spelled them out. */
export function normalizeCandidateType(value: unknown): CandidateType | undefined {
  if (typeof value !== 'string') return undefined;
  if (CANDIDATE_TYPES.includes(value)) return value as CandidateType;
  return LEGACY_TYPES[value];
}

/** The selected pair's entry: Chrome and Safari name it on the transport, Firefox flags it. */
export function findSelectedPair(stats: StatsLike): StatsEntry | undefined {
  let viaTransport: StatsEntry | undefined;
  let flagged: StatsEntry | undefined;
  let nominated: StatsEntry | undefined;
  stats.forEach((entry) => {
    if (entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string') {
      viaTransport ??= stats.get(entry.selectedCandidatePairId);
    } else if (entry.type === 'candidate-pair') {
      if (entry.selected === true) flagged ??= entry;
      if (entry.nominated === true && entry.state === 'succeeded') nominated ??= entry;
    }
  });
  // The last resort covers browsers that fill neither field: a nominated pair that succeeded.
  return viaTransport ?? flagged ?? nominated;
}

/** Summarizes the selected pair, or `undefined` when there is none (yet). */
export function extractSelectedPair(stats: StatsLike): SelectedPair | undefined {
  const pair = findSelectedPair(stats);
  if (!pair) return undefined;
  const remoteEntry = signaledTwin(stats, stats.get(String(pair.remoteCandidateId)));
  const local = summarize(stats.get(String(pair.localCandidateId)));
  const remote = summarize(remoteEntry);
  if (!local || !remote) return undefined;
  const selected: SelectedPair = {
    pairId: pair.id,
    local,
    remote,
    relayed: local.type === 'relay' || remote.type === 'relay',
  };
  if (remote.type === 'prflx' && remoteEntry?.address) selected.remoteUnsignaled = true;
  if (selected.relayed && directPairInSight(stats, pair)) selected.directInSight = true;
  const rttMs = roundTripMs(pair);
  if (rttMs !== undefined) selected.rttMs = rttMs;
  return selected;
}

/**
 * The signaled remote candidate behind a peer-reflexive one, or the entry itself. A check can
 * arrive before the other side's candidate is signaled; the browser then learns that address as
 * prflx. When the candidate arrives, Chromium puts it on the pair; Firefox keeps the prflx entry
 * on the selected pair and lists the signaled one (same address, port and protocol) beside it, so
 * a relay-to-relay call would read as relay to prflx.
 */
function signaledTwin(stats: StatsLike, entry: StatsEntry | undefined): StatsEntry | undefined {
  if (normalizeCandidateType(entry?.candidateType) !== 'prflx') return entry;
  if (!entry?.address || entry.port === undefined) return entry;
  let twin: StatsEntry | undefined;
  stats.forEach((other) => {
    const sameEndpoint =
      other.type === 'remote-candidate' &&
      other.address === entry.address &&
      other.port === entry.port &&
      other.protocol === entry.protocol;
    const type = normalizeCandidateType(other.candidateType);
    if (sameEndpoint && type !== undefined && type !== 'prflx') twin ??= other;
  });
  return twin ?? entry;
}

/** See {@link SelectedPair.directInSight}. */
function directPairInSight(stats: StatsLike, selected: StatsEntry): boolean {
  let inSight = false;
  stats.forEach((pair) => {
    const heard = pair.state === 'succeeded' || (pair.requestsReceived as number) > 0;
    const ranksHigher = (pair.priority as number) > (selected.priority as number);
    const relayEnd = [pair.localCandidateId, pair.remoteCandidateId].some(
      (id) => candidateTypeOf(stats.get(id as string)) === 'relay',
    );
    if (pair.type === 'candidate-pair' && heard && ranksHigher && !relayEnd) inSight = true;
  });
  return inSight;
}

/**
 * A candidate's type. The far side's relay, learned from its check before its candidate arrives
 * by signaling, is prflx to the browser, and Chromium hides its address. But Firefox's check from
 * its relay carries the relay candidate's own priority, whose type preference (the top byte) is 0,
 * which RFC 8445 gives relayed candidates alone: that end is a relay.
 */
function candidateTypeOf(entry: StatsEntry | undefined): CandidateType | undefined {
  const type = normalizeCandidateType(entry?.candidateType);
  return type === 'prflx' && hasRelayPriority(entry!) ? 'relay' : type;
}

/**
 * A priority below 2^24 has type preference 0. A priority of exactly 0 is none a browser computed
 * (RFC 8445 adds 256 minus the component id, so a real one is at least 1): it says nothing.
 */
function hasRelayPriority(entry: StatsEntry): boolean {
  const priority = entry.priority;
  return typeof priority === 'number' && priority > 0 && priority < 2 ** 24;
}

function summarize(entry: StatsEntry | undefined): CandidateSummary | undefined {
  const type = candidateTypeOf(entry);
  if (!entry || !type) return undefined;
  const protocol: TransportProtocol = entry.protocol === 'tcp' ? 'tcp' : 'udp';
  const summary: CandidateSummary = { type, protocol };
  const family = typeof entry.address === 'string' && addressFamilyOf(entry.address);
  if (family) summary.family = family;
  if (type === 'relay') {
    const relayProtocol = entry.relayProtocol;
    if (relayProtocol === 'udp' || relayProtocol === 'tcp' || relayProtocol === 'tls') {
      summary.relayProtocol = relayProtocol as RelayProtocol;
    }
    // Chrome names the TURN server the relay candidate came from.
    if (typeof entry.url === 'string' && /^turns?:/i.test(entry.url)) summary.url = entry.url;
  }
  return summary;
}

function roundTripMs(pair: StatsEntry): number | undefined {
  if (typeof pair.currentRoundTripTime === 'number') {
    return Math.round(pair.currentRoundTripTime * 1000);
  }
  // Firefox fills only the totals.
  const total = pair.totalRoundTripTime;
  const responses = pair.responsesReceived;
  if (typeof total === 'number' && typeof responses === 'number' && responses > 0) {
    return Math.round((total / responses) * 1000);
  }
  return undefined;
}

/** How far the connectivity checks got, for the failure detector. */
export interface ChecksProgress {
  pairs: number;
  failedPairs: number;
  /** Check responses received on all pairs together. */
  responsesReceived: number;
}

export function checksProgress(stats: StatsLike): ChecksProgress {
  const progress: ChecksProgress = { pairs: 0, failedPairs: 0, responsesReceived: 0 };
  stats.forEach((entry) => {
    if (entry.type !== 'candidate-pair') return;
    progress.pairs += 1;
    if (entry.state === 'failed') progress.failedPairs += 1;
    if (typeof entry.responsesReceived === 'number') {
      progress.responsesReceived += entry.responsesReceived;
    }
  });
  return progress;
}
