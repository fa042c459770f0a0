/**
 * The figures over time, as the page polls them: the server's counters only grow (or start from
 * zero when it restarts), so a trend is the page's own record of what each poll read.
 */
import type { OperatorFigures } from './figures.js';

export interface TrendPoint {
  at: number;
  /** Relayed connections / all connections reported since the server started; null before any. */
  relayShare: number | null;
  /** Bytes relayed since the server started, both directions. */
  relayBytes: number;
}

export interface TrendOptions {
  /** Points kept; the oldest go first. */
  maxPoints: number;
}

export const trendDefaults: TrendOptions = { maxPoints: 300 };

export function trendPoint(at: number, figures: OperatorFigures): TrendPoint {
  const { total, relayed } = figures.connections;
  return {
    at,
    relayShare: total > 0 ? relayed / total : null,
    relayBytes: figures.relayBytes.sent + figures.relayBytes.received,
  };
}

export function appendPoint(
  points: readonly TrendPoint[],
  point: TrendPoint,
  options: Partial<TrendOptions> = {},
): TrendPoint[] {
  const { maxPoints } = { ...trendDefaults, ...options };
  return [...points, point].slice(-maxPoints);
}

/**
 * Bytes relayed per second between consecutive points. A total that went down means the server
 * restarted: that interval counts what the new total shows.
 */
export function relayRate(points: readonly TrendPoint[]): Array<{ at: number; value: number }> {
  return points.slice(1).map((point, i) => {
    const before = points[i]!;
    const seconds = Math.max((point.at - before.at) / 1000, 0.001);
    const added =
      point.relayBytes >= before.relayBytes
        ? point.relayBytes - before.relayBytes
        : point.relayBytes;
    return { at: point.at, value: added / seconds };
  });
}
