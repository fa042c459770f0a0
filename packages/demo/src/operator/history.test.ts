import { describe, expect, it } from 'vitest';
import type { ConnectedSide, RelayUsageRecord } from '@icelane/protocol';
import { parseMetricsText } from '@icelane/protocol';
import { readFigures } from './figures.js';
import {
  connectQuantiles,
  historyCounted,
  nearestRank,
  relayRateBins,
  relayShareBySide,
} from './history.js';

const side = (timeToConnectMs: number, relayed = true): ConnectedSide => ({
  at: 0,
  relayed,
  localType: relayed ? 'relay' : 'host',
  remoteType: 'prflx',
  relayProtocol: relayed ? 'udp' : 'none',
  attempt: 1,
  timeToConnectMs,
});

const report = (at: number, intervalMs: number, bytes: number): RelayUsageRecord => ({
  at,
  intervalMs,
  provider: 'coturn',
  relayProtocol: 'udp',
  bytesSent: bytes / 2,
  bytesReceived: bytes / 2,
  relayedMs: intervalMs,
  final: true,
});

describe('quantiles of the recorded connect times', () => {
  it('are times some side measured, not estimates between them', () => {
    // The issue's four sides: 0.31-0.36 s, where the buckets' estimate said 375 ms.
    const q = connectQuantiles([side(356), side(312), side(338), side(361, false)]);
    expect(q).toEqual({ count: 4, p50Ms: 338, p95Ms: 361 });
  });

  it('take the nearest rank: the median of two is the first, p95 of twenty the 19th', () => {
    expect(nearestRank(0.5, [20, 10])).toBe(10);
    const twenty = Array.from({ length: 20 }, (_, i) => (i + 1) * 100);
    expect(nearestRank(0.95, twenty)).toBe(1_900);
    expect(nearestRank(0.5, [])).toBeNull();
  });
});

describe('the relay share by side', () => {
  it('is the share of relayed sides up to each', () => {
    expect(relayShareBySide([side(1), side(1, false), side(1), side(1, false)])).toEqual([
      1,
      0.5,
      2 / 3,
      0.5,
    ]);
  });
});

describe('bytes relayed per second from usage reports', () => {
  it("spreads a report's bytes over the interval it covers", () => {
    // A 54 s relayed call reported once at its end, 60 s before the history was read.
    const bins = relayRateBins(
      { now: 120_000, usage: [report(60_000, 54_000, 5_400_000)] },
      { bins: 20, minSpanMs: 120_000 },
    );
    expect(bins.binMs).toBe(6_000);
    // 100 kB/s from 6 s to 60 s: bins 1 to 9, nothing before or after.
    expect(bins.bytesPerSecond.slice(0, 11).map(Math.round)).toEqual([
      0, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 100_000, 0,
    ]);
    const total = bins.bytesPerSecond.reduce((sum, rate) => sum + rate * 6, 0);
    expect(total).toBeCloseTo(5_400_000);
  });

  it('reaches back to the earliest report, and counts one of no interval where it fell', () => {
    const bins = relayRateBins(
      { now: 1_000_000, usage: [report(100_000, 100_000, 1_000), report(1_000_000, 0, 500)] },
      { bins: 10, minSpanMs: 60_000 },
    );
    expect(bins.from).toBe(0);
    expect(bins.bytesPerSecond[0]).toBeCloseTo(1_000 / 100);
    expect(bins.bytesPerSecond[9]).toBeCloseTo(500 / 100);
  });
});

describe('when the history has new records', () => {
  const counted = (text: string) => historyCounted(readFigures(parseMetricsText(text)));
  const CONNECTED = 'icelane_connections_total{relayed="true"} 2\n';
  const USAGE = 'icelane_relay_bytes_total{direction="sent"} 1000\n';
  const TIME = 'icelane_relayed_seconds_total{relay_protocol="udp"} 1.5\n';

  it('is when the metrics counted a connection, relayed bytes or relayed time', () => {
    const before = counted(CONNECTED + USAGE + TIME);
    expect(counted(CONNECTED + USAGE + TIME + 'icelane_joins_total{outcome="ok"} 9\n')).toBe(
      before,
    );
    expect(counted(CONNECTED.replace('2', '3') + USAGE + TIME)).not.toBe(before);
    expect(counted(CONNECTED + USAGE.replace('1000', '1001') + TIME)).not.toBe(before);
    expect(counted(CONNECTED + USAGE + TIME.replace('1.5', '2'))).not.toBe(before);
  });
});
