import { describe, expect, it } from 'vitest';
import { histogramQuantile, readFigures } from './figures.js';
import { parseMetricsText } from '@icelane/protocol';

// The shape of the server's /metrics after three relayed and one direct connection.
const TEXT = `icelane_connections_total{local_type="relay",remote_type="prflx",relay_protocol="udp",relayed="true"} 2
icelane_connections_total{local_type="relay",remote_type="relay",relay_protocol="tcp",relayed="true"} 1
icelane_connections_total{local_type="host",remote_type="host",relay_protocol="none",relayed="false"} 1
icelane_relay_fallbacks_total 1
icelane_recoveries_total{cause="path-lost",step="ice-restart",outcome="recovered"} 2
icelane_time_to_connect_seconds_bucket{le="0.1",relayed="false"} 1
icelane_time_to_connect_seconds_bucket{le="0.25",relayed="false"} 1
icelane_time_to_connect_seconds_bucket{le="0.5",relayed="false"} 1
icelane_time_to_connect_seconds_bucket{le="+Inf",relayed="false"} 1
icelane_time_to_connect_seconds_sum{relayed="false"} 0.05
icelane_time_to_connect_seconds_count{relayed="false"} 1
icelane_time_to_connect_seconds_bucket{le="0.1",relayed="true"} 0
icelane_time_to_connect_seconds_bucket{le="0.25",relayed="true"} 2
icelane_time_to_connect_seconds_bucket{le="0.5",relayed="true"} 3
icelane_time_to_connect_seconds_bucket{le="+Inf",relayed="true"} 3
icelane_time_to_connect_seconds_sum{relayed="true"} 0.7
icelane_time_to_connect_seconds_count{relayed="true"} 3
icelane_relay_bytes_total{provider="coturn",relay_protocol="udp",direction="sent"} 1000
icelane_relay_bytes_total{provider="coturn",relay_protocol="udp",direction="received"} 3000
icelane_relay_bytes_total{provider="coturn",relay_protocol="tcp",direction="sent"} 500
icelane_relayed_seconds_total{provider="coturn",relay_protocol="udp"} 12.5
`;

describe('readFigures', () => {
  it('reads rooms and connections now, joins ok and refused, and ICE answers by provider', () => {
    const f = readFigures(
      parseMetricsText(`icelane_rooms 1
icelane_connected_sockets 3
icelane_joins_total{outcome="ok"} 4
icelane_joins_total{outcome="room-full"} 1
icelane_joins_total{outcome="rate-limited"} 0
icelane_turn_answers_total{provider="coturn"} 3
icelane_turn_answers_total{provider="cloudflare"} 0
icelane_stun_only_answers_total 1
`),
    );
    expect(f.signaling).toEqual({
      rooms: 1,
      sockets: 3,
      joinsOk: 4,
      joinsRefused: 1,
      turnAnswers: [{ provider: 'coturn', answers: 3 }],
      stunOnlyAnswers: 1,
    });
  });

  it('reads call time received by rating, the poor part by cause, and the sides at each now', () => {
    const f = readFigures(
      parseMetricsText(`icelane_call_quality_seconds_total{direction="receiving",rating="excellent",cause="none"} 120
icelane_call_quality_seconds_total{direction="receiving",rating="good",cause="rtt"} 30
icelane_call_quality_seconds_total{direction="receiving",rating="poor",cause="loss"} 9
icelane_call_quality_seconds_total{direction="receiving",rating="lost",cause="no-media"} 3
icelane_call_quality_seconds_total{direction="receiving",rating="poor",cause="jitter"} 0
icelane_call_quality_seconds_total{direction="sending",rating="poor",cause="rtt"} 500
icelane_call_quality_sides{direction="receiving",rating="poor"} 1
icelane_call_quality_sides{direction="sending",rating="excellent"} 1
`),
    );
    expect(f.quality.byRating).toEqual([
      { rating: 'excellent', seconds: 120, sidesNow: 0 },
      { rating: 'good', seconds: 30, sidesNow: 0 },
      { rating: 'poor', seconds: 9, sidesNow: 1 },
      { rating: 'lost', seconds: 3, sidesNow: 0 },
    ]);
    // What was sent is the far side's to say (it receives it): not counted here.
    expect(f.quality.poorByCause).toEqual([
      { cause: 'loss', seconds: 9 },
      { cause: 'no-media', seconds: 3 },
    ]);
  });

  it('reads the relay share, candidate types, connect-time buckets and bytes from the metrics', () => {
    const f = readFigures(parseMetricsText(TEXT));
    expect(f.connections).toEqual({ total: 4, relayed: 3 });
    expect(f.candidatePairs).toEqual([
      { local: 'relay', remote: 'prflx', count: 2 },
      { local: 'relay', remote: 'relay', count: 1 },
      { local: 'host', remote: 'host', count: 1 },
    ]);
    expect(f.connectTime.count).toBe(4);
    expect(f.connectTime.sumSeconds).toBeCloseTo(0.75);
    // Cumulative 1, 3, 4, 4 over both label sets: per bucket 1, 2, 1, 0.
    expect(f.connectTime.buckets).toEqual([
      { le: 0.1, count: 1 },
      { le: 0.25, count: 2 },
      { le: 0.5, count: 1 },
      { le: Infinity, count: 0 },
    ]);
    // Rank 2 of 4 is the first of the 2 in (0.1, 0.25]: halfway through it.
    expect(f.connectTime.p50Seconds).toBeCloseTo(0.175);
    // Rank 3.8: 0.8 of the way through the (0.25, 0.5] bucket's single observation.
    expect(f.connectTime.p95Seconds).toBeCloseTo(0.45);
    expect(f.relayBytes).toEqual({
      sent: 1500,
      received: 3000,
      byRoute: [
        { provider: 'coturn', relayProtocol: 'udp', bytes: 4000 },
        { provider: 'coturn', relayProtocol: 'tcp', bytes: 500 },
      ],
    });
    expect(f.relayedSeconds).toBe(12.5);
    expect(f.fallbacks).toBe(1);
    expect(f.recoveries).toEqual({ recovered: 2, failed: 0 });
  });

  it('has no quantiles and no share before any connection', () => {
    const f = readFigures(parseMetricsText('icelane_relay_fallbacks_total 0\n'));
    expect(f.connections).toEqual({ total: 0, relayed: 0 });
    expect(f.connectTime.p50Seconds).toBeNull();
    expect(f.candidatePairs).toEqual([]);
  });
});

describe('histogramQuantile', () => {
  it('gives the highest finite bound when the rank falls in +Inf, as Prometheus does', () => {
    const buckets = [
      { le: 1, count: 1 },
      { le: 2, count: 1 },
      { le: Infinity, count: 4 },
    ];
    expect(histogramQuantile(0.9, buckets)).toBe(2);
  });

  it('interpolates from zero in the first bucket', () => {
    expect(
      histogramQuantile(0.5, [
        { le: 0.1, count: 4 },
        { le: Infinity, count: 4 },
      ]),
    ).toBeCloseTo(0.05);
  });
});
