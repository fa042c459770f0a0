/**
 * The recent history behind `GET /history`: the connections, relay usage and call quality clients
 * reported lately, in three bounded rings, recorded where the same reports are counted into the metrics.
 * Counters say how much since the start; these records say when, and keep each side's time to
 * connect, so a view opened after the calls can draw them and compute exact quantiles. Records
 * hold the metrics' labels and figures only (see `CallHistory` in @icelane/protocol).
 */
import type { CallHistory, ConnectedSide, QualitySpan, RelayUsageRecord } from '@icelane/protocol';

export interface CallHistoryOptions {
  /** Connection records kept (one per side); the oldest go first. */
  maxConnections: number;
  /** Usage records kept (one per report that added something); the oldest go first. */
  maxUsage: number;
  /** Quality spans kept (one per stretch of a side's call at one rating); the oldest go first. */
  maxQuality: number;
  /** The clock records are stamped with, ms since the Unix epoch. */
  now: () => number;
}

/**
 * Full, about 225 kB of JSON and as much heap (measured: 500 sides and 1,000 usage reports, 224.6
 * kB and 216 kB). 500 sides are 250 two-person calls; 1,000 usage reports, one a minute per
 * relayed side, are over 8 hours of a relayed call. 500 quality stretches add about 70 kB (140
 * bytes of JSON each); a call tells a change every few seconds at worst, one every few minutes
 * when its link is steady.
 */
export const callHistoryDefaults: CallHistoryOptions = {
  maxConnections: 500,
  maxUsage: 1_000,
  maxQuality: 500,
  now: () => Date.now(),
};

export interface CallHistoryRecorder {
  connected(record: Omit<ConnectedSide, 'at'>): void;
  relayUsage(record: Omit<RelayUsageRecord, 'at'>): void;
  quality(record: Omit<QualitySpan, 'at'>): void;
  /** A copy of what is kept, as `GET /history` answers it. */
  read(): CallHistory;
}

export function createCallHistory(options: Partial<CallHistoryOptions> = {}): CallHistoryRecorder {
  const o = { ...callHistoryDefaults, ...options };
  const startedAt = o.now();
  const connections = boundedList<ConnectedSide>(o.maxConnections);
  const usage = boundedList<RelayUsageRecord>(o.maxUsage);
  const quality = boundedList<QualitySpan>(o.maxQuality);
  return {
    connected: (record) => connections.push({ at: o.now(), ...record }),
    relayUsage: (record) => usage.push({ at: o.now(), ...record }),
    quality: (record) => quality.push({ at: o.now(), ...record }),
    read: () => ({
      startedAt,
      now: o.now(),
      limits: { connections: o.maxConnections, usage: o.maxUsage, quality: o.maxQuality },
      dropped: {
        connections: connections.dropped(),
        usage: usage.dropped(),
        quality: quality.dropped(),
      },
      connections: connections.items(),
      usage: usage.items(),
      quality: quality.items(),
    }),
  };
}

/** A list of at most `max` items, dropping the oldest: a ring, read oldest first. */
function boundedList<T>(max: number) {
  const ring: T[] = [];
  let next = 0;
  let dropped = 0;
  return {
    push(item: T): void {
      if (max <= 0) {
        dropped++;
        return;
      }
      if (ring.length < max) ring.push(item);
      else {
        ring[next] = item;
        dropped++;
      }
      next = (next + 1) % max;
    },
    items: (): T[] =>
      ring.length < max ? [...ring] : [...ring.slice(next), ...ring.slice(0, next)],
    dropped: () => dropped,
  };
}
