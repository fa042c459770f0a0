/**
 * What each documented query should show after a server's first calls, worked out from what the
 * calls did: the SDK's connection reports and the server's usage log lines (the bill). Figures no
 * call decides (how many credentials the provider minted, how long that took) are taken from the
 * server's own counters, read raw from `/metrics`.
 */
import type { ConnectionReport } from '@icelane/sdk';
import { cumulativeBuckets, histogramQuantile } from '../../packages/demo/src/operator/figures.js';
import { sumBy, type MetricSample } from '@icelane/testing';
import type { UsageLine } from '../support/usage-log.js';

/** The server's buckets for `icelane_time_to_connect_seconds` (observability/metrics.ts). */
export const CONNECT_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16];

export interface CallsDid {
  /** Every connection report, both sides of every call. */
  reports: ConnectionReport[];
  usage: UsageLine[];
  /** The server's `/metrics` after the calls. */
  raw: MetricSample[];
  /** The span `rate()` and `increase()` are given: a rate is a count over it divided by it. */
  windowSeconds: number;
}

/**
 * Either series by their legend name and value (a series not listed must be absent or 0), or a
 * histogram quantile, which must fall in the bucket that holds the observations' own quantile.
 */
export type Expected =
  | { series: Record<string, number> }
  | { quantile: number; observations: number[]; buckets: number[] };

/** Expectations of the dashboard's queries, by `<panel>: <legend template>`. */
export function dashboardExpected(did: CallsDid): Record<string, Expected> {
  const perSecond = (series: Record<string, number>) =>
    Object.fromEntries(Object.entries(series).map(([k, v]) => [k, v / did.windowSeconds]));
  const { reports, usage, raw } = did;
  const seconds = reports.map((r) => r.timeToConnectMs / 1000);
  const quantile = (q: number): Expected => ({
    quantile: q,
    observations: seconds,
    buckets: CONNECT_BUCKETS,
  });
  const relayed = reports.filter((r) => r.relayed);
  const mints = sumBy(raw, 'icelane_credential_mints_total', ['provider', 'outcome']);
  const answers = sumBy(raw, 'icelane_turn_answers_total', ['provider']);
  const providers = [...answers.keys()];
  const mintLatency = histogramQuantile(
    0.9,
    cumulativeBuckets(raw, 'icelane_credential_mint_seconds_bucket'),
  );
  return {
    'Relay share: relayed': { series: { relayed: relayed.length / reports.length } },
    'Connections by candidate types: {{local_type}} → {{remote_type}}': {
      series: countBy(reports, (r) => `${r.local.type} → ${r.remote.type}`),
    },
    'Relayed connections by relay protocol: {{relay_protocol}}': {
      series: countBy(relayed, (r) => r.local.relayProtocol ?? r.remote.relayProtocol ?? 'none'),
    },
    'Time to connect (quantiles): p50': quantile(0.5),
    'Time to connect (quantiles): p90': quantile(0.9),
    'Time to connect (quantiles): p99': quantile(0.99),
    'Time to connect (distribution): {{le}}': {
      series: Object.fromEntries(
        [...CONNECT_BUCKETS, Infinity].map((le) => [
          le === Infinity ? '+Inf' : String(le),
          seconds.filter((s) => s <= le).length,
        ]),
      ),
    },
    'Fallbacks and recoveries: fallback to relay': {
      series: countBy(
        reports.filter((r) => r.attempt > 1),
        () => 'fallback to relay',
      ),
    },
    'Fallbacks and recoveries: {{cause}} {{outcome}}': { series: {} },
    'Bytes relayed: {{direction}}': {
      series: {
        sent: sum(usage, (l) => l.bytesSent),
        received: sum(usage, (l) => l.bytesReceived),
      },
    },
    'Relay throughput by provider and protocol: {{provider}} {{relay_protocol}} {{direction}}': {
      series: perSecond({
        ...totalsBy(
          usage,
          (l) => `${route(l)} sent`,
          (l) => l.bytesSent,
        ),
        ...totalsBy(
          usage,
          (l) => `${route(l)} received`,
          (l) => l.bytesReceived,
        ),
      }),
    },
    'Relayed connections (average): {{provider}} {{relay_protocol}}': {
      series: perSecond(totalsBy(usage, route, (l) => l.relayedMs / 1000)),
    },
    'Connections ended: relayed={{relayed}} {{end}}': {
      series: countBy(usage, (l) => `relayed=${l.relayed} ${l.end}`),
    },
    'Connections ended: claim cut: {{reason}}': { series: {} },
    'Credential mints: {{provider}} {{outcome}}': {
      series: perSecond(Object.fromEntries([...mints].map(([k, v]) => [k.replace('|', ' '), v]))),
    },
    'Credential mints: STUN-only answers': { series: {} },
    'Credential mint latency (p90): {{provider}}': {
      series: Object.fromEntries(providers.map((p) => [p, mintLatency ?? NaN])),
    },
    'Joins and signaling connections: join {{outcome}}': {
      series: perSecond({ 'join ok': reports.length }),
    },
    'Joins and signaling connections: open connections': { series: {} },
    'TURN answers by provider, and failovers: {{provider}}': {
      series: perSecond(Object.fromEntries(answers)),
    },
    'TURN answers by provider, and failovers: failover {{from}} → {{to}}': { series: {} },
    'TURN providers: serving and breakers: serving {{provider}}': {
      series: Object.fromEntries(providers.map((p) => [`serving ${p}`, 1])),
    },
    'TURN providers: serving and breakers: breaker {{provider}}': { series: {} },
  };
}

/** Expectations of the server README's PromQL, by the comment above each expression. */
export function readmeExpected(did: CallsDid): Record<string, Expected> {
  const { reports, usage } = did;
  return {
    'share of new connections that were relayed, last hour': {
      series: { '': reports.filter((r) => r.relayed).length / reports.length },
    },
    'gigabytes relayed per provider and transport, last 7 days': {
      series: totalsBy(usage, route, (l) => (l.bytesSent + l.bytesReceived) / 1e9),
    },
    '95th percentile time to connect': {
      quantile: 0.95,
      observations: reports.map((r) => r.timeToConnectMs / 1000),
      buckets: CONNECT_BUCKETS,
    },
    'share of call time received poor or lost, by cause, last day': {
      series: poorShareByCause(did.raw),
    },
  };
}

/** Receiving call time rated poor or lost, by cause, as a share of all receiving call time. */
function poorShareByCause(raw: readonly MetricSample[]): Record<string, number> {
  const receiving = raw.filter((sample) => sample.labels.direction === 'receiving');
  const time = sumBy(receiving, 'icelane_call_quality_seconds_total', ['rating', 'cause']);
  const total = [...time.values()].reduce((sum, seconds) => sum + seconds, 0);
  const share: Record<string, number> = {};
  // No call time yet: the query's guard leaves no series rather than 0/0.
  if (total === 0) return share;
  for (const [key, seconds] of time) {
    const [rating, cause = ''] = key.split('|');
    if (rating === 'poor' || rating === 'lost')
      share[cause] = (share[cause] ?? 0) + seconds / total;
  }
  return share;
}

/** The histogram bucket `(low, high]` that holds `value`. */
export function bucketOf(value: number, buckets: readonly number[]): [number, number] {
  let low = 0;
  for (const high of buckets) {
    if (value <= high) return [low, high];
    low = high;
  }
  return [low, Infinity];
}

/** A usage line's provider and relay protocol, as the relay metrics label them. */
const route = (line: UsageLine) => `${line.provider} ${line.relayProtocol ?? 'unknown'}`;

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  return totalsBy(items, key, () => 1);
}

/** Sums `value` by `key`, leaving out what sums to 0 (a series at 0 needs no expectation). */
function totalsBy<T>(
  items: readonly T[],
  key: (item: T) => string,
  value: (item: T) => number,
): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const item of items) {
    const v = value(item);
    if (v !== 0) sums[key(item)] = (sums[key(item)] ?? 0) + v;
  }
  return sums;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
