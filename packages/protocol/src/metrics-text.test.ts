import { describe, expect, it } from 'vitest';
import { parseMetricsText, sumBy, sumOf } from './metrics-text.js';

const TEXT = `# HELP icelane_connections_total Peer connections reported by clients.
# TYPE icelane_connections_total counter
icelane_connections_total{local_type="relay",remote_type="prflx",relay_protocol="udp",relayed="true"} 3
icelane_connections_total{local_type="host",remote_type="host",relay_protocol="none",relayed="false"} 5
icelane_relay_fallbacks_total 1
icelane_time_to_connect_seconds_bucket{le="+Inf",relayed="true"} 3
odd_metric{note="a \\"quoted\\", comma\\\\slash\\nline"} NaN 1700000000000
`;

describe('parseMetricsText', () => {
  it('reads names, labels (escapes included) and values, skipping comments and timestamps', () => {
    const samples = parseMetricsText(TEXT);
    expect(samples).toHaveLength(5);
    expect(samples[0]).toEqual({
      name: 'icelane_connections_total',
      labels: { local_type: 'relay', remote_type: 'prflx', relay_protocol: 'udp', relayed: 'true' },
      value: 3,
    });
    expect(samples[2]).toEqual({ name: 'icelane_relay_fallbacks_total', labels: {}, value: 1 });
    expect(samples[3]!.labels.le).toBe('+Inf');
    expect(samples[4]!.labels.note).toBe('a "quoted", comma\\slash\nline');
    expect(samples[4]!.value).toBeNaN();
  });

  it('reads NaN and infinities in any case, as prom-client writes an unset gauge (`Nan`)', () => {
    const samples = parseMetricsText('lag_seconds Nan\nup inf\ndown -INF\n');
    expect(samples.map((sample) => sample.value)).toEqual([NaN, Infinity, -Infinity]);
  });

  it('sums series by label match and by label values', () => {
    const samples = parseMetricsText(TEXT);
    expect(sumOf(samples, 'icelane_connections_total')).toBe(8);
    expect(sumOf(samples, 'icelane_connections_total', { relayed: 'true' })).toBe(3);
    expect(sumBy(samples, 'icelane_connections_total', ['local_type', 'remote_type'])).toEqual(
      new Map([
        ['relay|prflx', 3],
        ['host|host', 5],
      ]),
    );
  });

  it('matches a label by its whole value, not a part of the series text', () => {
    const samples = parseMetricsText(
      'calls_total{outcome="ok-ish",provider="a"} 2\ncalls_total{provider="a",outcome="ok"} 5\n',
    );
    expect(sumOf(samples, 'calls_total', { outcome: 'ok' })).toBe(5);
    expect(sumOf(samples, 'calls_total', { outcome: 'o' })).toBe(0);
    expect(sumOf(samples, 'calls', {})).toBe(0);
  });

  it('refuses a line that is not a sample, naming it', () => {
    expect(() => parseMetricsText('good 1\n<html>oops</html>')).toThrow(/line 2 .*<html>/);
    expect(() => parseMetricsText('unclosed{a="b" 1')).toThrow(/line 1/);
    expect(() => parseMetricsText('novalue{a="b"}')).toThrow(/line 1/);
  });
});
