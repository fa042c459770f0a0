/**
 * The operator view's figures over time, from the server's recent history (`GET /history`):
 * recorded values, so the quantiles are exact and the charts hold the calls made before the page
 * was opened.
 */
import type { CallHistory, ConnectedSide, RelayUsageRecord } from '@icelane/protocol';
import type { OperatorFigures } from './figures.js';

export interface ConnectQuantiles {
  /** Call sides whose times were recorded. */
  count: number;
  /** Recorded times (nearest rank): each is one side's own measurement. `null` with none. */
  p50Ms: number | null;
  p95Ms: number | null;
}

/**
 * The `q` quantile of recorded values by nearest rank: the smallest value with at least `q` of
 * them at or below it. Always one of the values, never a value between two.
 */
export function nearestRank(q: number, values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

export function connectQuantiles(connections: readonly ConnectedSide[]): ConnectQuantiles {
  const times = connections.map((side) => side.timeToConnectMs);
  return { count: times.length, p50Ms: nearestRank(0.5, times), p95Ms: nearestRank(0.95, times) };
}

/** The share of relayed sides among the recorded ones up to each, one point per side. */
export function relayShareBySide(connections: readonly ConnectedSide[]): number[] {
  let relayed = 0;
  return connections.map((side, i) => {
    if (side.relayed) relayed++;
    return relayed / (i + 1);
  });
}

export interface RateBins {
  /** Start of the first bin, ms since the Unix epoch. */
  from: number;
  binMs: number;
  /** Bytes relayed per second in each bin, both directions, oldest first. */
  bytesPerSecond: number[];
}

export interface RateBinOptions {
  bins: number;
  /** The shortest span drawn: a few seconds of history still read as a time axis. */
  minSpanMs: number;
}

export const rateBinDefaults: RateBinOptions = { bins: 60, minSpanMs: 60_000 };

/**
 * Bytes relayed per second over the history's span, in equal bins up to `history.now`. A usage
 * report covers the time since its side's previous report: its bytes are spread evenly over that
 * interval (clients report every minute and at the end, so a report's bytes are not one instant's).
 */
export function relayRateBins(
  history: Pick<CallHistory, 'now' | 'usage'>,
  options: Partial<RateBinOptions> = {},
): RateBins {
  const { bins, minSpanMs } = { ...rateBinDefaults, ...options };
  const start = (record: RelayUsageRecord) => record.at - record.intervalMs;
  const earliest = Math.min(history.now - minSpanMs, ...history.usage.map(start));
  const binMs = (history.now - earliest) / bins;
  const bytes = new Array<number>(bins).fill(0);
  for (const record of history.usage) {
    const total = record.bytesSent + record.bytesReceived;
    const from = start(record);
    if (record.intervalMs <= 0) {
      // A report of no interval lands in the bin that holds it.
      bytes[Math.min(bins - 1, Math.floor((record.at - earliest) / binMs))]! += total;
      continue;
    }
    for (let b = 0; b < bins; b++) {
      const binStart = earliest + b * binMs;
      const overlap = Math.min(record.at, binStart + binMs) - Math.max(from, binStart);
      if (overlap > 0) bytes[b]! += (total * overlap) / record.intervalMs;
    }
  }
  return { from: earliest, binMs, bytesPerSecond: bytes.map((value) => value / (binMs / 1000)) };
}

/**
 * The metrics a new history record moves, as one key: the server records a connection where it
 * counts `icelane_connections_total`, and a usage report where it adds relayed bytes or time. The
 * same key, the same records (on the same server).
 */
export function historyCounted(figures: OperatorFigures): string {
  const { connections, relayBytes, relayedSeconds } = figures;
  return [connections.total, relayBytes.sent, relayBytes.received, relayedSeconds].join('|');
}
