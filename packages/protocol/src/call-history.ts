/**
 * The server's recent history (`GET /history`): the connections, the relay usage and the call
 * quality its clients reported lately, one record per side, each as the server counted it into its metrics. It lets a
 * view opened after the calls draw them, and compute quantiles from the recorded values instead
 * of histogram buckets. A record carries what the metrics' labels carry, a time and its figures:
 * no peer id, user, room, session or credential.
 */
import type { CandidateType } from './events.js';
import type { QualityCause, QualityRating } from './quality-report.js';

/** One side's connection, as counted in `icelane_connections_total`. */
export interface ConnectedSide {
  /** When the server counted the report (ms since the Unix epoch). */
  at: number;
  relayed: boolean;
  localType: CandidateType;
  remoteType: CandidateType;
  /** The metric's `relay_protocol` label: `udp`, `tcp`, `tls`, or `none` when none was named. */
  relayProtocol: string;
  /** 1 for the first attempt; more when it came up on a retry (a fallback to relay). */
  attempt: number;
  /** From the start of the first attempt to connected, as the client measured it. */
  timeToConnectMs: number;
}

/** What one usage report of one side added to `icelane_relay_bytes_total`, within the bounds. */
export interface RelayUsageRecord {
  /** When the server counted the report (ms since the Unix epoch). */
  at: number;
  provider: string;
  /** The metric's `relay_protocol` label (`unknown` when the client named none). */
  relayProtocol: string;
  bytesSent: number;
  bytesReceived: number;
  relayedMs: number;
  /** The time these figures cover: since the side's previous report (or since it joined). */
  intervalMs: number;
  /** The side's last report: its connection ended. */
  final: boolean;
}

/** A direction's rating and the cause the metric's `cause` label carries (`none` when excellent). */
export interface RatedDirection {
  rating: QualityRating;
  cause: QualityCause | 'none';
}

/**
 * A stretch of one side's call at one quality, as counted in `icelane_call_quality_seconds_total`:
 * from a `connection:quality` report to the side's next one, or to its call's or its own end.
 */
export interface QualitySpan {
  /** When the stretch ended (ms since the Unix epoch). */
  at: number;
  /** Its length, by the server's clock. */
  durationMs: number;
  receiving: RatedDirection;
  sending: RatedDirection;
}

/** The body of `GET /history`: the latest records, oldest first, within fixed bounds. */
export interface CallHistory {
  /** When this server (its metrics) started, ms since the Unix epoch. */
  startedAt: number;
  /** The server's clock when it answered: a view draws up to here. */
  now: number;
  /** The most records of each kind kept; older ones are dropped first. */
  limits: { connections: number; usage: number; quality: number };
  /** Records dropped since the start to stay within the limits. */
  dropped: { connections: number; usage: number; quality: number };
  connections: ConnectedSide[];
  usage: RelayUsageRecord[];
  quality: QualitySpan[];
}
