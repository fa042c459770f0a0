/**
 * The operator's figures, read from the server's own metrics (see the server README's metric
 * table): rooms and joins, how many connections went through a relay, over which candidate
 * types, how fast they connected, how many bytes clients relayed, and how good the calls were.
 */
import { QUALITY_RATINGS, sumBy, sumOf, type MetricSample } from '@icelane/protocol';

/** One histogram bucket: observations up to `le` seconds, on their own (not cumulative). */
export interface Bucket {
  le: number;
  count: number;
}

export interface OperatorFigures {
  /** Rooms and signaling connections on this node now; joins and ICE answers since the start. */
  signaling: {
    rooms: number;
    sockets: number;
    joinsOk: number;
    joinsRefused: number;
    /** Answers that carried TURN, by the provider whose credential they carry, most first. */
    turnAnswers: Array<{ provider: string; answers: number }>;
    /** Answers without TURN because no provider had a usable credential (fallbacks only). */
    stunOnlyAnswers: number;
  };
  connections: { total: number; relayed: number };
  /** Connections by the selected pair's local and remote candidate types, most first. */
  candidatePairs: Array<{ local: string; remote: string; count: number }>;
  connectTime: {
    count: number;
    sumSeconds: number;
    /** In the server's bucket order, `+Inf` last. */
    buckets: Bucket[];
    /** Estimated from the buckets as PromQL's `histogram_quantile` does; `null` with no data. */
    p50Seconds: number | null;
    p95Seconds: number | null;
  };
  relayBytes: {
    sent: number;
    received: number;
    /** By provider and relay protocol, both directions together, most first. */
    byRoute: Array<{ provider: string; relayProtocol: string; bytes: number }>;
  };
  relayedSeconds: number;
  fallbacks: number;
  recoveries: { recovered: number; failed: number };
  /** What call sides received (`connection:quality`): time by rating, and sides at each now. */
  quality: {
    byRating: Array<{ rating: string; seconds: number; sidesNow: number }>;
    /** Time received poor or lost, by its cause, most first. */
    poorByCause: Array<{ cause: string; seconds: number }>;
  };
}

const QUALITY_SECONDS = 'icelane_call_quality_seconds_total';

function readQuality(samples: readonly MetricSample[]): OperatorFigures['quality'] {
  const received = samples.filter((s) => s.labels.direction === 'receiving');
  const worse = received.filter((s) => ['poor', 'lost'].includes(s.labels.rating ?? ''));
  return {
    byRating: QUALITY_RATINGS.map((rating) => ({
      rating,
      seconds: sumOf(received, QUALITY_SECONDS, { rating }),
      sidesNow: sumOf(received, 'icelane_call_quality_sides', { rating }),
    })),
    poorByCause: [...sumBy(worse, QUALITY_SECONDS, ['cause'])]
      .map(([cause, seconds]) => ({ cause, seconds }))
      .filter((entry) => entry.seconds > 0)
      .sort((a, b) => b.seconds - a.seconds),
  };
}

function readSignaling(samples: readonly MetricSample[]): OperatorFigures['signaling'] {
  const joinsOk = sumOf(samples, 'icelane_joins_total', { outcome: 'ok' });
  return {
    rooms: sumOf(samples, 'icelane_rooms'),
    sockets: sumOf(samples, 'icelane_connected_sockets'),
    joinsOk,
    joinsRefused: sumOf(samples, 'icelane_joins_total') - joinsOk,
    turnAnswers: [...sumBy(samples, 'icelane_turn_answers_total', ['provider'])]
      .map(([provider, answers]) => ({ provider, answers }))
      .filter((entry) => entry.answers > 0)
      .sort((a, b) => b.answers - a.answers),
    stunOnlyAnswers: sumOf(samples, 'icelane_stun_only_answers_total'),
  };
}

export function readFigures(samples: readonly MetricSample[]): OperatorFigures {
  const pairs = sumBy(samples, 'icelane_connections_total', ['local_type', 'remote_type']);
  const cumulative = cumulativeBuckets(samples, 'icelane_time_to_connect_seconds_bucket');
  const routes = sumBy(samples, 'icelane_relay_bytes_total', ['provider', 'relay_protocol']);
  return {
    signaling: readSignaling(samples),
    connections: {
      total: sumOf(samples, 'icelane_connections_total'),
      relayed: sumOf(samples, 'icelane_connections_total', { relayed: 'true' }),
    },
    candidatePairs: [...pairs]
      .map(([key, count]) => {
        const [local = '', remote = ''] = key.split('|');
        return { local, remote, count };
      })
      .filter((pair) => pair.count > 0)
      .sort((a, b) => b.count - a.count),
    connectTime: {
      count: sumOf(samples, 'icelane_time_to_connect_seconds_count'),
      sumSeconds: sumOf(samples, 'icelane_time_to_connect_seconds_sum'),
      buckets: cumulative.map((bucket, i) => ({
        le: bucket.le,
        count: bucket.count - (cumulative[i - 1]?.count ?? 0),
      })),
      p50Seconds: histogramQuantile(0.5, cumulative),
      p95Seconds: histogramQuantile(0.95, cumulative),
    },
    relayBytes: {
      sent: sumOf(samples, 'icelane_relay_bytes_total', { direction: 'sent' }),
      received: sumOf(samples, 'icelane_relay_bytes_total', { direction: 'received' }),
      byRoute: [...routes]
        .map(([key, bytes]) => {
          const [provider = '', relayProtocol = ''] = key.split('|');
          return { provider, relayProtocol, bytes };
        })
        // Every route exists from the server's start, at 0 until it carries something.
        .filter((route) => route.bytes > 0)
        .sort((a, b) => b.bytes - a.bytes),
    },
    relayedSeconds: sumOf(samples, 'icelane_relayed_seconds_total'),
    fallbacks: sumOf(samples, 'icelane_relay_fallbacks_total'),
    recoveries: {
      recovered: sumOf(samples, 'icelane_recoveries_total', { outcome: 'recovered' }),
      failed: sumOf(samples, 'icelane_recoveries_total', { outcome: 'failed' }),
    },
    quality: readQuality(samples),
  };
}

/** A histogram's buckets summed over its other labels, cumulative, in `le` order. */
export function cumulativeBuckets(samples: readonly MetricSample[], name: string): Bucket[] {
  const byLe = sumBy(samples, name, ['le']);
  return [...byLe]
    .map(([le, count]) => ({ le: le === '+Inf' ? Infinity : Number(le), count }))
    .sort((a, b) => a.le - b.le);
}

/**
 * The `q` quantile of cumulative buckets, as Prometheus' `histogram_quantile` estimates it: the
 * bucket holding rank `q × count`, interpolated linearly within it (from 0 for the first bucket);
 * in the `+Inf` bucket, the highest finite bound. `null` without observations.
 */
export function histogramQuantile(q: number, cumulative: readonly Bucket[]): number | null {
  const last = cumulative[cumulative.length - 1];
  if (cumulative.length < 2 || !last || last.le !== Infinity || last.count === 0) return null;
  let rank = q * last.count;
  const b = cumulative.findIndex((bucket) => bucket.count >= rank);
  if (b === cumulative.length - 1) return cumulative[b - 1]!.le;
  const start = b === 0 ? 0 : cumulative[b - 1]!.le;
  const end = cumulative[b]!.le;
  let count = cumulative[b]!.count;
  if (b > 0) {
    count -= cumulative[b - 1]!.count;
    rank -= cumulative[b - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}
