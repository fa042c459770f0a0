/**
 * Every label set the server knows ahead, exported at zero from the start.
 *
 * prom-client writes a labelled series only once something counted it, and Prometheus'
 * `increase()` and `rate()` cannot count a series' first sample: a series that first appears at 1
 * adds nothing to them. On a fresh server the README's queries and the dashboard then read NaN or
 * too little (the first relayed call is missing from the relay share, the first bytes from the
 * bytes relayed). A series that exists at 0 from the first scrape makes its first increment count.
 */
import {
  ClientEvent,
  QUALITY_CAUSES,
  QUALITY_RATINGS,
  ERROR_CODES,
  type CandidateType,
  type RecoveryCause,
  type RecoveryStep,
  type RelayProtocol,
} from '@icelane/protocol';
import type { MintOutcome, CacheResult, Metrics } from './metrics.js';

const CANDIDATE_TYPES: readonly CandidateType[] = ['host', 'srflx', 'prflx', 'relay'];
const RELAY_PROTOCOLS: readonly RelayProtocol[] = ['udp', 'tcp', 'tls'];
/** A relayed pair whose report named no relay protocol (Firefox's relay candidates carry no URL). */
const UNNAMED_RELAY_PROTOCOL = { report: 'none', usage: 'unknown' } as const;
const MINT_OUTCOMES: readonly MintOutcome[] = ['ok', 'error', 'auth-error', 'timeout'];
const CACHE_RESULTS: readonly CacheResult[] = ['hit', 'miss', 'stale'];
const RECOVERY_CAUSES: readonly RecoveryCause[] = [
  'path-lost',
  'ice-failed',
  'network-change',
  'credentials-expiring',
];
const RECOVERY_STEPS: readonly RecoveryStep[] = [
  'ice-restart',
  'ice-restart-relay',
  'new-connection',
];
const RECOVERY_OUTCOMES = ['recovered', 'failed'] as const;
const REFRESH_OUTCOMES = ['ok', 'rate-limited', 'not-in-room', 'internal'] as const;
const CONNECTION_ENDS = ['closed', 'left', 'disconnected', 'evicted'] as const;
const USAGE_BOUNDED_REASONS = ['over-rate', 'decreasing'] as const;
const CUT_REASONS = [
  'address-cap',
  'connect-flood',
  'message-flood',
  'slow-reader',
  'strikes',
] as const;
/** Events counted when refused: each client event, a payload of no known event, `GET /ice`. */
const REFUSED_EVENTS = [...Object.values(ClientEvent), 'unknown', 'GET /ice'];
const RELAYED = ['true', 'false'] as const;
const QUALITY_DIRECTIONS = ['receiving', 'sending'] as const;

/** The label sets that need no configuration; `createMetrics` calls it on its new metrics. */
export function zeroKnownSeries(metrics: Metrics): void {
  for (const outcome of ['ok', ...ERROR_CODES]) metrics.joins.inc({ outcome }, 0);
  for (const outcome of REFRESH_OUTCOMES) metrics.iceRefreshes.inc({ outcome }, 0);
  for (const event of REFUSED_EVENTS) {
    metrics.invalidPayloads.inc({ event }, 0);
    metrics.rateLimited.inc({ event }, 0);
  }
  for (const reason of CUT_REASONS) metrics.connectionsCut.inc({ reason }, 0);
  for (const result of CACHE_RESULTS) metrics.credentialCache.inc({ result }, 0);
  for (const local_type of CANDIDATE_TYPES) {
    for (const remote_type of CANDIDATE_TYPES) {
      for (const labels of reportLabels(local_type, remote_type)) {
        metrics.connectionReports.inc({ local_type, remote_type, ...labels }, 0);
      }
    }
  }
  for (const direction of QUALITY_DIRECTIONS) {
    for (const rating of QUALITY_RATINGS) {
      metrics.callQualitySides.set({ direction, rating }, 0);
      // An excellent direction has no cause; any other may name none (an empty list).
      const causes = rating === 'excellent' ? [] : QUALITY_CAUSES;
      for (const cause of ['none', ...causes]) {
        metrics.callQualitySeconds.inc({ direction, rating, cause }, 0);
      }
    }
  }
  for (const relayed of RELAYED) {
    metrics.timeToConnectSeconds.zero({ relayed });
    for (const end of CONNECTION_ENDS) metrics.connectionsEnded.inc({ relayed, end }, 0);
  }
  for (const step of RECOVERY_STEPS) {
    metrics.recoveryGapSeconds.zero({ step });
    for (const cause of RECOVERY_CAUSES) {
      for (const outcome of RECOVERY_OUTCOMES) metrics.recoveries.inc({ cause, step, outcome }, 0);
    }
  }
  for (const reason of USAGE_BOUNDED_REASONS) metrics.usageBounded.inc({ reason }, 0);
}

/** Histograms zeroed per provider, per metrics: `zero()` would reset a provider's counts. */
const zeroedProviders = new WeakMap<Metrics, Set<string>>();

/**
 * The label sets of the TURN providers a server was configured with: their mints, answers,
 * failovers, and the relay usage their credentials carry. Safe to call again with the same names.
 */
export function zeroProviderSeries(metrics: Metrics, providers: readonly string[]): void {
  const zeroed = zeroedProviders.get(metrics) ?? new Set<string>();
  zeroedProviders.set(metrics, zeroed);
  for (const provider of providers) {
    if (!zeroed.has(provider)) metrics.credentialMintSeconds.zero({ provider });
    zeroed.add(provider);
    for (const outcome of MINT_OUTCOMES) metrics.credentialMints.inc({ provider, outcome }, 0);
    metrics.turnAnswers.inc({ provider }, 0);
    for (const to of providers) {
      if (to !== provider) metrics.turnFailovers.inc({ from: provider, to }, 0);
    }
    for (const relay_protocol of [...RELAY_PROTOCOLS, UNNAMED_RELAY_PROTOCOL.usage]) {
      metrics.relayedSeconds.inc({ provider, relay_protocol }, 0);
      for (const direction of ['sent', 'received']) {
        metrics.relayBytes.inc({ provider, relay_protocol, direction }, 0);
      }
    }
  }
}

/** The `relay_protocol` and `relayed` labels a report of this pair of candidate types can carry. */
function reportLabels(local: CandidateType, remote: CandidateType) {
  if (local !== 'relay' && remote !== 'relay') {
    return [{ relay_protocol: UNNAMED_RELAY_PROTOCOL.report, relayed: 'false' }];
  }
  return [...RELAY_PROTOCOLS, UNNAMED_RELAY_PROTOCOL.report].map((relay_protocol) => ({
    relay_protocol,
    relayed: 'true',
  }));
}
